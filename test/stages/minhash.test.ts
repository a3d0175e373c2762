import assert from 'node:assert/strict';
import { test } from 'node:test';
import xxhash from 'xxhash-wasm';
import { dedupNormalize } from '../../stages/dedup/normalize.js';
import { candidateProbability, describeCurve, jaccard, minhashSignature, permutationSeeds, shingleHashes, uniqueSorted } from '../../stages/dedup/minhash.js';
import { UnionFind } from '../../pipelines/runners/keyClusters.js';
import { concatKeys, encodeKeys, readKeys } from '../../pipelines/runners/keysFile.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmp } from '../helpers.js';

test('normalization: NFKC, lower case, punctuation and symbols gone, whitespace folded', () => {
  assert.equal(dedupNormalize('  Ｈello,\tWORLD!!  ﬁne — “quoted”\n\nnext… '), 'hello world fine quoted next');
});

test('shingles: one hash per 5-word window of the normalized text; a short text is one shingle', async () => {
  const { h32Raw } = await xxhash();
  assert.equal(shingleHashes('a b c d e f g', 5, h32Raw).length, 3);
  assert.equal(shingleHashes('a b c', 5, h32Raw).length, 1);
  assert.equal(shingleHashes('', 5, h32Raw).length, 0);
  const [first] = shingleHashes('a b c d e f', 5, h32Raw);
  assert.equal(first, h32Raw(new TextEncoder().encode('a b c d e'), 0) >>> 0);
});

test('the MinHash agreement rate estimates Jaccard similarity', async () => {
  const { h32Raw } = await xxhash();
  const words = Array.from({ length: 400 }, (_, i) => `w${i}`);
  const a = words.join(' ');
  const edited = [...words];
  for (let i = 0; i < 400; i += 20) edited[i] = `x${i}`; // 20 substitutions
  const sa = uniqueSorted(shingleHashes(a, 5, h32Raw));
  const sb = uniqueSorted(shingleHashes(edited.join(' '), 5, h32Raw));
  const j = jaccard(sa, sb);
  const seeds = permutationSeeds(512, 7);
  const ma = minhashSignature(sa, seeds);
  const mb = minhashSignature(sb, seeds);
  const agree = ma.filter((v, i) => v === mb[i]).length / 512;
  assert.ok(Math.abs(agree - j) < 0.06, `estimate ${agree.toFixed(3)} vs exact ${j.toFixed(3)}`);
});

test('the LSH S-curve for 14 bands x 8 rows', () => {
  assert.ok(Math.abs(candidateProbability(0.8, 14, 8) - 0.924) < 0.001);
  assert.ok(candidateProbability(0.5, 14, 8) < 0.06);
  assert.match(describeCurve(14, 8), /^MinHash LSH with 14 bands x 8 rows \(112 hashes\): 50% detection at Jaccard 0\.68\d/);
});

test('union-find keeps the smallest index as root', () => {
  const uf = new UnionFind(6);
  uf.union(4, 2);
  uf.union(5, 4);
  uf.union(3, 1);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => uf.find(i)), [0, 1, 2, 1, 2, 2]);
});

test('keys files round-trip, and a truncated one is refused with the fix', async () => {
  const a = { columns: 2, rows: 2, keys: Uint32Array.of(1, 2, 3, 4, 5, 6, 7, 8), valid: Uint8Array.of(1, 0) };
  const b = { columns: 2, rows: 1, keys: Uint32Array.of(9, 10, 11, 12), valid: Uint8Array.of(1) };
  const both = concatKeys([a, b], 2);
  assert.deepEqual([...both.keys], [1, 2, 3, 4, 9, 10, 5, 6, 7, 8, 11, 12]);
  const p = join(tmp(), 'k.bin');
  writeFileSync(p, encodeKeys(both));
  assert.deepEqual(await readKeys(p), both);
  writeFileSync(p, encodeKeys(both).subarray(0, 30));
  await assert.rejects(readKeys(p), { message: `${p}: truncated keys file; delete it and rerun the step` });
});
