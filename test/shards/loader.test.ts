import assert from 'node:assert/strict';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { writeJsonAtomic } from '../../datasets/atomicFile.js';
import { DataLoader, windowOrder } from '../../shards/loader.js';
import { SHARD_MANIFEST_FORMAT, type ShardManifest } from '../../shards/manifest.js';
import { ShardWriter } from '../../shards/writer.js';
import { tmp } from '../helpers.js';

const EOT = 999;

/** Shards of generated documents (lengths 0..60, ids < 1000), in several shards and record batches. */
async function makeShards(docs = 300): Promise<{ dir: string; stream: number[] }> {
  const dir = tmp();
  const meta = { tokenizerHash: 'h', tokenizerName: 't', vocabSize: 1000, eotId: EOT, pipeline: 'test', split: 'train' as const };
  const w = new ShardWriter(dir, meta, 2500, 400);
  const stream: number[] = [];
  for (let d = 0; d < docs; d++) {
    const tokens = Uint32Array.from({ length: (d * 37) % 61 }, (_, i) => (d * 31 + i * 7) % 900);
    await w.add(`doc-${d}`, 'src', tokens);
    stream.push(...tokens, EOT);
  }
  const shards = await w.finish();
  const m: ShardManifest = {
    format: SHARD_MANIFEST_FORMAT, version: 1, pipeline: 'test', fingerprint: 'f',
    tokenizer: { name: 't', hash: 'h', vocabSize: 1000, eotId: EOT, dtype: 'uint16', file: null },
    split: { validationFraction: 0, rule: '' }, shards, totals: { train: { docs, tokens: stream.length - docs, shards: shards.length }, val: { docs: 0, tokens: 0, shards: 0 } },
  };
  await writeJsonAtomic(join(dir, 'manifest.json'), m);
  return { dir, stream };
}

test('shards hold the documents: several shards and record batches, readable by apache-arrow', async () => {
  const { dir } = await makeShards();
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ShardManifest;
  assert.ok(m.shards.length >= 3 && m.shards[0].batches.length >= 3, `${m.shards.length} shards`);
  const t = tableFromIPC(readFileSync(join(dir, m.shards[0].file)));
  assert.equal(t.numRows, m.shards[0].rows);
  assert.equal(t.schema.metadata.get('dtype'), 'uint16');
  assert.deepEqual([...t.get(1)!.tokens], Array.from({ length: 37 }, (_, i) => (31 + i * 7) % 900));
});

test('windows of T+1 with stride T tile the packed stream (end-of-text between documents)', async () => {
  const { dir, stream } = await makeShards();
  const T = 16;
  const dl = await DataLoader.open({ dir, batchSize: 4, contextLength: T, shuffle: false, prefetch: 3 });
  assert.equal(dl.windows, Math.floor((stream.length - 1) / T));
  for (let step = 0; step < dl.stepsPerEpoch; step++) {
    const { tokens } = await dl.next();
    for (let b = 0; b < 4; b++) {
      const w = step * 4 + b;
      assert.deepEqual([...tokens.subarray(b * (T + 1), (b + 1) * (T + 1))], stream.slice(w * T, w * T + T + 1), `window ${w}`);
    }
  }
  await dl.close();
});

test('an epoch visits every window once, in a seeded order that changes per epoch', () => {
  const a = windowOrder(1000, 7, 0, true);
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(windowOrder(1000, 7, 0, true), a);
  assert.notDeepEqual(windowOrder(1000, 7, 1, true), a);
  assert.notDeepEqual(windowOrder(1000, 8, 0, true), a);
});

async function take(dl: DataLoader, n: number): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push([...(await dl.next()).tokens]);
  return out;
}

test('resume(state) gives exactly the batches of an uninterrupted run: mid-epoch and across an epoch boundary', async () => {
  const { dir } = await makeShards();
  const opts = { dir, batchSize: 3, contextLength: 32, seed: 42 };
  const full = await DataLoader.open(opts);
  const steps = full.stepsPerEpoch;
  const reference = await take(full, steps * 2 + 3);
  for (const cut of [5, steps - 1, steps, steps + 2]) {
    const first = await DataLoader.open(opts);
    await take(first, cut);
    const state = first.state();
    await first.close();
    const second = await DataLoader.open(opts);
    second.resume(JSON.parse(JSON.stringify(state)));
    assert.deepEqual(await take(second, reference.length - cut), reference.slice(cut), `resumed after ${cut} steps (${JSON.stringify(state)})`);
    await second.close();
  }
  await full.close();
});

test('ranks get disjoint windows in the same global order', async () => {
  const { dir } = await makeShards();
  const single = await DataLoader.open({ dir, batchSize: 4, contextLength: 20, seed: 3 });
  const r0 = await DataLoader.open({ dir, batchSize: 2, contextLength: 20, seed: 3, rank: 0, world: 2 });
  const r1 = await DataLoader.open({ dir, batchSize: 2, contextLength: 20, seed: 3, rank: 1, world: 2 });
  for (let s = 0; s < 10; s++) {
    const all = (await single.next()).tokens;
    const a = (await r0.next()).tokens;
    const b = (await r1.next()).tokens;
    assert.deepEqual([...a, ...b], [...all]);
  }
});

test('a truncated shard, a shard of another tokenizer, a missing manifest: clear errors naming the file', async () => {
  const { dir } = await makeShards();
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ShardManifest;
  const other = { ...m, tokenizer: { ...m.tokenizer, hash: 'different' } };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(other));
  await assert.rejects(DataLoader.open({ dir, batchSize: 1, contextLength: 8 }), { message: new RegExp(`${m.shards[0].file} was made with another tokenizer`) });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  truncateSync(join(dir, m.shards[1].file), m.shards[1].bytes - 100);
  await assert.rejects(DataLoader.open({ dir, batchSize: 1, contextLength: 8 }), {
    message: `${join(dir, m.shards[1].file)} has ${m.shards[1].bytes - 100} bytes but the manifest says ${m.shards[1].bytes}: truncated or replaced; rerun the encode step (--from-stage encode)`,
  });
  const empty = tmp();
  await assert.rejects(DataLoader.open({ dir: empty, batchSize: 1, contextLength: 8 }), { message: new RegExp(`${empty}/manifest.json is missing`) });
});

test('a damaged shard is refused before training (checksum, with the file); an id outside the vocabulary names shard, batch and document', async () => {
  const { dir } = await makeShards();
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ShardManifest;
  const path = join(dir, m.shards[1].file);
  const bytes = readFileSync(path);
  bytes[Math.floor(bytes.length / 2)] ^= 0x40;
  writeFileSync(path, bytes);
  await assert.rejects(DataLoader.open({ dir, batchSize: 2, contextLength: 16 }), {
    message: `${path} does not match its checksum in ${join(dir, 'manifest.json')}: the file is damaged; rerun the encode step (sluice run <pipeline> --from-stage encode)`,
  });
  // Intact files whose ids do not fit the manifest's vocabulary (as a flipped high byte would give): found on read.
  const small = await makeShards();
  const sm = JSON.parse(readFileSync(join(small.dir, 'manifest.json'), 'utf8')) as ShardManifest;
  await writeJsonAtomic(join(small.dir, 'manifest.json'), { ...sm, tokenizer: { ...sm.tokenizer, vocabSize: 500, eotId: 499 } });
  const dl = await DataLoader.open({ dir: small.dir, batchSize: 2, contextLength: 16, shuffle: false });
  await assert.rejects(dl.next(), { message: new RegExp(`^${join(small.dir, sm.shards[0].file).replace(/[.]/g, '\\.')}: record batch 0, document \\d+ \\(token \\d+\\) has token id \\d+, outside the vocabulary of 500: the shard is damaged; rerun the encode step`) });
  await dl.close();
});
