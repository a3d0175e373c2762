// minhash-dedup: near-duplicate removal. Map (workers): normalized text -> word shingles -> one xxhash
// each -> MinHash signature -> one 64-bit key per LSH band. Reduce (engine): documents sharing a band
// key are joined; the first in input order is kept. Optional exact-Jaccard check of candidate pairs.
import xxhash from 'xxhash-wasm';
import { z } from 'zod';
import { dedupNormalize } from './dedup/normalize.js';
import { bandKey, jaccard, minhashSignature, permutationSeeds, shingleHashes, uniqueSorted, type H32Raw } from './dedup/minhash.js';
import { defineDedupStage, type KeyColumns } from './stage.js';

const options = z
  .object({
    ngram: z.number().int().min(1).default(5).describe('words per shingle'),
    bands: z.number().int().min(1).default(14).describe('LSH bands'),
    rows: z.number().int().min(1).default(8).describe('hashes per band (bands x rows hashes in all)'),
    seed: z.number().int().min(0).default(1).describe('seed of the hash permutations'),
    verify: z.boolean().default(false).describe('check each candidate pair with exact Jaccard before joining'),
    verifyThreshold: z.number().min(0).max(1).default(0.8).describe('exact Jaccard a verified pair needs'),
  })
  .strict();

type Options = z.output<typeof options>;

export interface State {
  h32Raw: H32Raw;
  seeds: Uint32Array;
}

export function minhashKeys(texts: readonly string[], o: Options, state: State): KeyColumns {
  const rows = texts.length;
  const keys = new Uint32Array(o.bands * rows * 2);
  const valid = new Uint8Array(rows);
  const band = new Uint32Array(2);
  for (let r = 0; r < rows; r++) {
    const shingles = shingleHashes(dedupNormalize(texts[r]), o.ngram, state.h32Raw);
    if (shingles.length === 0) continue; // nothing to compare: never a duplicate
    valid[r] = 1;
    const sig = minhashSignature(shingles, state.seeds);
    for (let b = 0; b < o.bands; b++) {
      bandKey(sig, b, o.rows, band, 0);
      keys[2 * (b * rows + r)] = band[0];
      keys[2 * (b * rows + r) + 1] = band[1];
    }
  }
  return { columns: o.bands, rows, keys, valid };
}

export const minhashDedup = defineDedupStage({
  name: 'minhash-dedup',
  description: 'Near-duplicate removal across the whole corpus: MinHash (xxhash shingles) + LSH bands + union-find; keeps the first of each cluster.',
  kind: 'dedup',
  options,
  async init(o: Options): Promise<State> {
    const { h32Raw } = await xxhash();
    return { h32Raw, seeds: permutationSeeds(o.bands * o.rows, o.seed) };
  },
  map: (docs, o, state) => minhashKeys(docs.map((d) => d.text), o, state),
  verify: {
    enabled: (o) => o.verify,
    threshold: (o) => o.verifyThreshold,
    features: (text, o, state) => uniqueSorted(shingleHashes(dedupNormalize(text), o.ngram, state.h32Raw)),
    similarity: jaccard,
  },
});
