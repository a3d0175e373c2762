import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readDocTable } from '../../datasets/docTable.js';
import { collect, parquetRows, runDef, tmp, treeDigest } from '../helpers.js';

/** A corpus with exact copies (up to case and punctuation), near-duplicates, and distinct documents. */
function corpus(dir: string): void {
  const words = (seed: number, n: number): string[] => Array.from({ length: n }, (_, i) => `word${(seed * 7919 + i * 104729) % 100000}`);
  const lines: string[] = [];
  for (let d = 0; d < 40; d++) {
    const base = words(d, 300);
    lines.push(JSON.stringify({ id: `orig-${d}`, text: base.join(' ') }));
    if (d % 4 === 0) lines.push(JSON.stringify({ id: `copy-${d}`, text: `${base.join(' ').toUpperCase()}!!!` }));
    if (d % 4 === 1) {
      const near = [...base];
      for (let i = 0; i < 300; i += 100) near[i] = 'changed'; // 3 substitutions: Jaccard ~0.95
      lines.push(JSON.stringify({ id: `near-${d}`, text: near.join(' ') }));
    }
  }
  writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
}

const def = (steps: object[]) => ({ name: 'dd', input: { paths: ['in.jsonl'], idField: 'id', partBytes: 30_000 }, steps: [{ stage: 'normalize' }, ...steps] });

test('exact copies and near-duplicates are removed, distinct documents kept, rejects name cluster and kept id', async () => {
  const dir = tmp();
  corpus(dir);
  const out = join(dir, 'out');
  const s = await runDef(def([{ stage: 'exact-dedup' }, { stage: 'minhash-dedup' }]), { out, cwd: dir, threads: 2 });
  const [, exact, near] = s.steps;
  assert.deepEqual([exact.docsIn, exact.docsOut, exact.dropped.duplicate, exact.reduce!.clusters], [60, 50, 10, 10]);
  assert.deepEqual([near.docsIn, near.docsOut, near.dropped.duplicate, near.reduce!.clusters], [50, 40, 10, 10]);
  const kept: string[] = [];
  for (const f of readdirSync(join(out, '03-minhash-dedup')).filter((n) => n.endsWith('.parquet')).sort()) {
    kept.push(...(await collect(readDocTable(join(out, '03-minhash-dedup', f)))).map((d) => d.id));
  }
  assert.deepEqual(kept, Array.from({ length: 40 }, (_, d) => `orig-${d}`));
  const rejected = [];
  for (const f of readdirSync(join(out, '03-minhash-dedup', 'rejected')).sort()) rejected.push(...(await parquetRows(join(out, '03-minhash-dedup', 'rejected', f))));
  const near1 = rejected.find((r) => r.id === 'near-1')!;
  assert.equal(near1.reason, 'duplicate');
  assert.equal(JSON.parse(String(near1.meta)).dupOf, 'orig-1');
});

test('the kept documents and every output byte are the same with 1 and 2 threads, with and without verification', async () => {
  const dir = tmp();
  corpus(dir);
  for (const verify of [false, true]) {
    const steps = [{ stage: 'minhash-dedup', verify }];
    await runDef(def(steps), { out: join(dir, `a${verify}`), cwd: dir, threads: 1 });
    await runDef(def(steps), { out: join(dir, `b${verify}`), cwd: dir, threads: 2 });
    assert.deepEqual(treeDigest(join(dir, `a${verify}`)), treeDigest(join(dir, `b${verify}`)));
  }
});

test('resume after an interruption in each phase (map, reduce, filter) gives identical output', async () => {
  const dir = tmp();
  corpus(dir);
  const d = def([{ stage: 'minhash-dedup' }]);
  const ref = join(dir, 'ref');
  await runDef(d, { out: ref, cwd: dir });
  const want = treeDigest(ref);
  const step = join(ref, '02-minhash-dedup');
  const interrupted: [string, () => void][] = [
    ['map', () => {
      rmSync(join(step, 'manifest.json'));
      rmSync(join(step, 'clusters.json'));
      rmSync(join(step, 'keys', 'part-00001.json'));
      writeFileSync(join(step, 'keys', 'part-00002.bin.tmp-1'), 'half');
      rmSync(join(step, 'parts'), { recursive: true });
    }],
    ['reduce', () => {
      rmSync(join(step, 'manifest.json'));
      writeFileSync(join(step, 'clusters.bin'), 'torn');
      rmSync(join(step, 'parts'), { recursive: true });
    }],
    ['filter', () => {
      rmSync(join(step, 'manifest.json'));
      rmSync(join(step, 'parts', 'part-00001.json'));
    }],
  ];
  for (const [phase, damage] of interrupted) {
    damage();
    const s = await runDef(d, { out: ref, cwd: dir });
    assert.equal(s.steps.at(-1)!.reused, false, phase);
    assert.deepEqual(treeDigest(ref), want, `after an interruption in ${phase}`);
  }
});
