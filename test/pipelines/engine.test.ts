import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readDocTable } from '../../datasets/docTable.js';
import { collect, repoRoot, runDef, tmp, treeDigest } from '../helpers.js';

const steps = [{ stage: 'normalize' }, { stage: 'passthrough' }];

test('the sample corpus gives byte-identical outputs with 1 and 2 threads', async () => {
  const def = { name: 'det', input: { paths: ['data/sample'] }, steps };
  const a = tmp();
  const b = tmp();
  const sa = await runDef(def, { out: a, threads: 1 });
  const sb = await runDef(def, { out: b, threads: 2, cwd: repoRoot });
  assert.ok(sa.steps[0].docsOut > 5000, `${sa.steps[0].docsOut} documents`);
  assert.deepEqual(treeDigest(a), treeDigest(b));
  assert.deepEqual(sa.input, sb.input);
});

function writeCorpus(dir: string, n: number): void {
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ text: i % 50 === 0 ? '   ' : `Document ${i}.\r\nIt has\u0000 two lines.` }));
  writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
}

test('--from-stage reuses verified upstream output and gives the same bytes', async () => {
  const dir = tmp();
  writeCorpus(dir, 3000);
  const def = { name: 'fs', input: { paths: ['in.jsonl'], partBytes: 20_000 }, steps };
  const out = join(dir, 'out');
  const first = await runDef(def, { out, cwd: dir, threads: 2 });
  assert.deepEqual(first.steps[0].dropped, { empty: 60 });
  const before = treeDigest(out);
  const again = await runDef(def, { out, cwd: dir, threads: 2, fromStage: 'passthrough' });
  assert.deepEqual(again.steps.map((s) => [s.dir, s.reused]), [['01-normalize', true], ['02-passthrough', false]]);
  assert.deepEqual(treeDigest(out), before);
  const docs = await collect(readDocTable(join(out, '02-passthrough', 'part-00000.parquet')));
  assert.deepEqual(docs[0], { id: 'in.jsonl:2', source: 'in.jsonl', text: 'Document 1.\nIt has two lines.', meta: {} });
});

test('--from-stage refuses upstream output made with other options, corrupt, or missing, and says what to run', async () => {
  const dir = tmp();
  writeCorpus(dir, 2000);
  const def = { name: 'fs', input: { paths: ['in.jsonl'], partBytes: 20_000 }, steps };
  const out = join(dir, 'out');
  await runDef(def, { out, cwd: dir });
  const full = treeDigest(out);
  const changed = { ...def, steps: [{ stage: 'normalize', minChars: 5 }, { stage: 'passthrough' }] };
  await assert.rejects(runDef(changed, { out, cwd: dir, fromStage: 'passthrough' }), {
    message:
      '--from-stage passthrough: cannot reuse upstream output: 01-normalize was made with different options (minChars 1 -> 5).\n' +
      'Rerun from that step (--from-stage normalize), or run without --from-stage to resume where the last run stopped.',
  });
  const part = join(out, '01-normalize', 'part-00001.parquet');
  const bytes = readFileSync(part);
  bytes[bytes.length - 100] ^= 0xff;
  writeFileSync(part, bytes);
  await assert.rejects(runDef(def, { out, cwd: dir, fromStage: '02-passthrough' }), {
    message: new RegExp(`cannot reuse upstream output: 01-normalize is corrupt: ${part.replace(/[.]/g, '\\.')} does not match its checksum`),
  });
  // A plain rerun notices the corrupt part, remakes it, and ends with the same bytes as before.
  const fixed = await runDef(def, { out, cwd: dir });
  assert.equal(fixed.steps[0].reused, false);
  assert.deepEqual(treeDigest(out), full);
  rmSync(join(out, '01-normalize', 'manifest.json'));
  await assert.rejects(runDef(def, { out, cwd: dir, fromStage: 'passthrough' }), { message: /01-normalize has no complete output \(no .*manifest\.json\)/ });
  await assert.rejects(runDef(def, { out, cwd: dir, fromStage: 'html-strip' }), {
    message: '--from-stage html-strip: no such step in this pipeline (steps: 01-normalize, 02-passthrough)',
  });
});

test('--to-stage stops after the named step; the next run resumes from there', async () => {
  const dir = tmp();
  writeCorpus(dir, 500);
  const def = { name: 'ts', input: { paths: ['in.jsonl'] }, steps };
  const out = join(dir, 'out');
  const first = await runDef(def, { out, cwd: dir, toStage: 'normalize' });
  assert.deepEqual(first.steps.map((s) => s.dir), ['01-normalize']);
  const second = await runDef(def, { out, cwd: dir });
  assert.deepEqual(second.steps.map((s) => [s.dir, s.reused]), [['01-normalize', true], ['02-passthrough', false]]);
});

test('a 50 MB document and a million spaces go through the engine intact', async () => {
  const dir = tmp();
  const big = 'word '.repeat(10_000_000);
  writeFileSync(join(dir, 'big.jsonl'), `${JSON.stringify({ text: big })}\n${JSON.stringify({ text: `x${' '.repeat(1_000_000)}y` })}\n`);
  const out = join(dir, 'out');
  const s = await runDef({ name: 'big', input: { paths: ['big.jsonl'] }, steps: [{ stage: 'passthrough' }] }, { out, cwd: dir, threads: 2 });
  assert.equal(s.steps[0].docsOut, 2);
  const docs = await collect(readDocTable(join(out, '01-passthrough', 'part-00000.parquet')));
  assert.equal(docs[0].text, big);
  assert.equal(docs[1].text.length, 1_000_002);
});
