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
