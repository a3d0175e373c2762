import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import type { ShardManifest } from '../../shards/manifest.js';
import { isValidation } from '../../shards/split.js';
import { repoRoot, runDef, tmp, treeDigest } from '../helpers.js';

const require = createRequire(import.meta.url);
const def = {
  name: 'enc',
  input: { paths: ['data/sample/brown', 'data/sample/nlp-corpus'] },
  validationFraction: 0.05,
  steps: [
    { stage: 'normalize' },
    { stage: 'bpe-train', vocabSize: 600 },
    { stage: 'encode', shardTokens: 300_000 },
  ],
};

test('shards are byte-identical with 1 and 2 threads; the split is by document id; token counts agree with the trainer', async () => {
  const a = tmp();
  const b = tmp();
  const sa = await runDef(def, { out: a, threads: 1, cwd: repoRoot });
  await runDef(def, { out: b, threads: 2, cwd: repoRoot });
  assert.deepEqual(treeDigest(join(a, '03-encode')), treeDigest(join(b, '03-encode')));
  const m = JSON.parse(readFileSync(join(a, '03-encode', 'shards', 'manifest.json'), 'utf8')) as ShardManifest;
  assert.ok(m.shards.filter((s) => s.split === 'train').length >= 3, 'several train shards');
  assert.equal(m.tokenizer.vocabSize, 600);
  assert.equal(m.tokenizer.dtype, 'uint16');
  // The trainer counted tokens of the training split with its own merges; the shards must hold as many.
  assert.equal(sa.steps[1].reduce!.trainTokens, m.totals.train.tokens);
  const pl = require('nodejs-polars') as typeof import('nodejs-polars');
  const valIds = new Set<string>();
  for (const s of m.shards) {
    // nodejs-polars is an independent (Rust) Arrow implementation: it must read the same rows and tokens.
    const df = pl.readIPC(readFileSync(join(a, '03-encode', 'shards', s.file)));
    assert.equal(df.height, s.rows, s.file);
    const flat = df.select(pl.col('tokens').explode().cast(pl.Float64));
    assert.equal(flat.height, s.tokens, s.file);
    assert.equal(flat.getColumn('tokens').sum(), s.tokenSum, s.file);
    for (const id of df.getColumn('doc_id').toArray() as string[]) {
      assert.equal(isValidation(id, 0.05), s.split === 'val', `${id} in ${s.file}`);
      if (s.split === 'val') valIds.add(id);
    }
  }
  assert.ok(valIds.size > 10 && valIds.size < 200, `${valIds.size} validation documents`);
});
