import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { cliPath, tmp, treeDigest } from '../helpers.js';

function setup(): string {
  const dir = tmp();
  const lines = Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ text: `Document ${i}:\r\n${'some words here '.repeat(1 + (i % 40))}` }));
  writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
  const def = { name: 'kill', input: { paths: ['in.jsonl'], partBytes: 400_000 }, steps: [{ stage: 'normalize' }, { stage: 'passthrough' }] };
  writeFileSync(join(dir, 'kill.json'), JSON.stringify(def));
  return dir;
}

function runToEnd(dir: string, out: string, threads: number): void {
  const r = spawnSync(process.execPath, [cliPath, 'run', 'kill.json', '--out', out, '--threads', String(threads), '--quiet'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

function partsDone(out: string): number {
  const dir = join(out, '02-passthrough', 'parts');
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')).length : 0;
}

/** Starts a run and SIGKILLs it once `afterParts` parts are complete plus `delayMs`. */
async function killMidway(dir: string, out: string, afterParts: number, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, [cliPath, 'run', 'kill.json', '--out', out, '--threads', '2', '--quiet'], { cwd: dir, stdio: 'ignore' });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  while (partsDone(out) < afterParts && child.exitCode === null) await sleep(5);
  await sleep(delayMs);
  child.kill('SIGKILL');
  await exited;
}

test('a run killed with SIGKILL at several moments and restarted ends byte-identical to an uninterrupted run', async () => {
  const dir = setup();
  const reference = join(dir, 'reference');
  runToEnd(dir, reference, 1);
  const want = treeDigest(reference);
  const totalParts = partsDone(reference);
  assert.ok(totalParts >= 10, `${totalParts} parts`);
  for (const [afterParts, delayMs] of [[0, 0], [1, 37], [3, 5], [Math.floor(totalParts / 2), 11]]) {
    const out = join(dir, `out-${afterParts}-${delayMs}`);
    await killMidway(dir, out, afterParts, delayMs);
    const before = partsDone(out);
    assert.ok(before < totalParts, `killed before the end (${before}/${totalParts} parts done)`);
    // A second kill during the resumed run, then a clean finish.
    await killMidway(dir, out, before + 1, 3);
    runToEnd(dir, out, 2);
    assert.deepEqual(treeDigest(out), want, `killed after ${afterParts} parts + ${delayMs} ms`);
    assert.deepEqual(readdirSync(join(out, '01-normalize')).filter((n) => n.includes('.tmp-')), [], 'no temporary files left');
  }
});

test('the same holds for a pipeline with every kind of step (dedup map/reduce, BPE training, shard writing)', async () => {
  const dir = tmp();
  const words = (seed: number): string => Array.from({ length: 120 }, (_, i) => `w${(seed * 7 + i * 13) % 5000}`).join(' ');
  const lines = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ text: i % 10 === 0 ? words(i - 1) : `${words(i)}.` }));
  writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
  const def = {
    name: 'all',
    input: { paths: ['in.jsonl'], partBytes: 300_000 },
    steps: [{ stage: 'normalize' }, { stage: 'exact-dedup' }, { stage: 'minhash-dedup' }, { stage: 'bpe-train', vocabSize: 400 }, { stage: 'encode', shardTokens: 50_000 }],
  };
  writeFileSync(join(dir, 'kill.json'), JSON.stringify(def));
  const reference = join(dir, 'reference');
  runToEnd(dir, reference, 1);
  const want = treeDigest(reference);
  const stepsDone = (out: string): number => ['01-normalize', '02-exact-dedup', '03-minhash-dedup', '04-bpe-train', '05-encode'].filter((d) => existsSync(join(out, d, 'manifest.json'))).length;
  // Kill just after each step completes, i.e. early in the next one (a dedup map, the BPE count, the encode).
  for (const [after, delayMs] of [[1, 20], [2, 5], [3, 10], [4, 5], [1, 300]]) {
    const out = join(dir, `out-${after}-${delayMs}`);
    const child = spawn(process.execPath, [cliPath, 'run', 'kill.json', '--out', out, '--threads', '2', '--quiet'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    while (stepsDone(out) < after && child.exitCode === null) await sleep(5);
    await sleep(delayMs);
    child.kill('SIGKILL');
    await exited;
    const done = stepsDone(out);
    if (process.env.SLUICE_TEST_VERBOSE) console.log(`killed ${delayMs} ms after step ${after} with ${done} steps complete`);
    assert.ok(done < 5, 'killed before the end');
    runToEnd(dir, out, 2);
    assert.deepEqual(treeDigest(out), want, `killed ${delayMs} ms after step ${after} (${done} steps complete)`);
  }
});
