// minhash-dedup: near-duplicate removal. Map (workers): normalized text -> shingles -> one xxhash each -> MinHash
// signature -> one 64-bit key per LSH band. Reduce (runner): documents sharing a band key are joined; the first in
// input order is kept, with its cluster's size in meta (FineWeb-2's minhash_cluster_size). As FineWeb-2, documents
// are compared within their language only (meta.lang), on the words of that language; Chinese and Japanese on
// character 3-grams, which find edited copies best (bench/cjkDedup.ts).
import xxhash from 'xxhash-wasm';
import { z } from 'zod';
import { dedupNormalize } from './dedup/normalize.js';
import { bandKey, charShingleHashes, fmix32, jaccard, minhashSignature, permutationSeeds, shingleHashes, uniqueSorted, type H32Raw } from './dedup/minhash.js';
import { baseLang, languageOf } from './lang/languages.js';
import { words } from './lang/words.js';
import { defineDedupStage, type KeyColumns } from './stage.js';

const options = z
  .object({
    ngram: z.number().int().min(1).default(5).describe('words per shingle'),
    bands: z.number().int().min(1).default(14).describe('LSH bands'),
    rows: z.number().int().min(1).default(8).describe('hashes per band (bands x rows hashes in all)'),
    seed: z.number().int().min(0).default(1).describe('seed of the hash permutations'),
    verify: z.boolean().default(false).describe('check each candidate pair with exact Jaccard before joining'),
    verifyThreshold: z.number().min(0).max(1).default(0.8).describe('exact Jaccard a verified pair needs'),
    perLanguage: z.boolean().default(true).describe('compare documents only within their language (meta.lang), as FineWeb-2'),
    shingles: z.enum(['auto', 'words', 'chars']).default('auto').describe('auto: character n-grams for Chinese and Japanese, the language\'s words elsewhere'),
    charNgram: z.number().int().min(1).default(3).describe('characters per shingle where shingles are characters'),
    rehydrate: z.boolean().default(false).describe('also write rehydration_weight: FineWeb-2\'s upsampling of a kept document by its cluster size'),
  })
  .strict();

type Options = z.output<typeof options>;

export interface State {
  h32Raw: H32Raw;
  seeds: Uint32Array;
}

/** Languages compared on character n-grams with `shingles: 'auto'`: Han and Kana, where a word is one or two characters. */
const CHAR_LANGS = new Set(['zh', 'ja']);

function shinglesOf(text: string, lang: string | undefined, o: Options, h32Raw: H32Raw): Uint32Array {
  const norm = dedupNormalize(text);
  const chars = o.shingles === 'chars' || (o.shingles === 'auto' && lang !== undefined && CHAR_LANGS.has(baseLang(lang)));
  if (chars) return charShingleHashes(norm, o.charNgram, h32Raw);
  // Segmented languages get their words spaced out, so a shingle is `ngram` of their words.
  const spaced = languageOf(lang)?.spaceless ? words(norm, lang).join(' ') : norm;
  return shingleHashes(spaced, o.ngram, h32Raw);
}

/** A 32-bit salt per language, mixed into every band key: documents of two languages never share a bucket. */
function languageSalt(lang: string | undefined): number {
  let h = 0x2545f491;
  for (const ch of lang ?? '') h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return fmix32(h);
}

export function minhashKeys(docs: readonly { text: string; lang?: string }[], o: Options, state: State): KeyColumns {
  const rows = docs.length;
  const keys = new Uint32Array(o.bands * rows * 2);
  const valid = new Uint8Array(rows);
  const band = new Uint32Array(2);
  for (let r = 0; r < rows; r++) {
    const lang = o.perLanguage ? docs[r].lang : undefined;
    const shingles = shinglesOf(docs[r].text, docs[r].lang, o, state.h32Raw);
    if (shingles.length === 0) continue; // nothing to compare: never a duplicate
    valid[r] = 1;
    const salt = lang === undefined ? 0 : languageSalt(lang);
    const sig = minhashSignature(shingles, state.seeds);
    for (let b = 0; b < o.bands; b++) {
      bandKey(sig, b, o.rows, band, 0);
      keys[2 * (b * rows + r)] = (band[0] ^ salt) >>> 0;
      keys[2 * (b * rows + r) + 1] = band[1];
    }
  }
  return { columns: o.bands, rows, keys, valid };
}

/** FineWeb-2's upsampling of a kept document by its cluster size (README: 1, 2, 3-4, 5-99, 100-999, 1000+). */
export function rehydrationWeight(size: number): number {
  if (size <= 1) return 1;
  if (size === 2) return 2;
  if (size <= 4) return 3;
  if (size < 100) return 5;
  if (size < 1000) return 8;
  return 1;
}

const langOf = (meta: Record<string, unknown>): string | undefined => (typeof meta.lang === 'string' && meta.lang !== 'und' ? meta.lang : undefined);

export const minhashDedup = defineDedupStage({
  name: 'minhash-dedup',
  description: 'Near-duplicate removal across the corpus, per language: MinHash (xxhash shingles) + LSH bands + union-find; keeps the first of each cluster with its size.',
  kind: 'dedup',
  options,
  version: 2,
  async init(o: Options): Promise<State> {
    const { h32Raw } = await xxhash();
    return { h32Raw, seeds: permutationSeeds(o.bands * o.rows, o.seed) };
  },
  map: (docs, o, state) => minhashKeys(docs.map((d) => ({ text: d.text, lang: langOf(d.meta) })), o, state),
  verify: {
    enabled: (o) => o.verify,
    threshold: (o) => o.verifyThreshold,
    features: (doc, o, state) => uniqueSorted(shinglesOf(doc.text, langOf(doc.meta), o, state.h32Raw)),
    similarity: jaccard,
  },
  clusterMeta: (size, o) => ({ minhash_cluster_size: size, ...(o.rehydrate ? { rehydration_weight: rehydrationWeight(size) } : {}) }),
});
