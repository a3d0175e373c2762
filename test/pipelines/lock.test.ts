// One run per output folder: a second run on the same --out says who holds it and stops without touching a file;
// a lock left by a killed run is taken over, and the temporary files that run left anywhere in the folder go.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliPath, tmp, treeDigest } from '../helpers.js';

function corpus(dir: string): void {
  const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda'.split(' ');
  const lines = Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ text: Array.from({ length: 60 }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ') }));
  writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'p.json'), JSON.stringify({ name: 'lock', input: { paths: ['in.jsonl'], partBytes: 2_000_000 }, steps: [{ stage: 'normalize' }, { stage: 'quality-scores' }] }));
}

const sluice = (args: string[], cwd: string) => spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8' });

test('a second run on the same output folder names the running one and exits; the first finishes intact', async () => {
  const dir = tmp();
  corpus(dir);
  const first = spawn(process.execPath, [cliPath, 'run', 'p.json', '--out', 'out', '--quiet', '--threads', '1'], { cwd: dir });
  const done = new Promise<number | null>((r) => first.on('exit', r));
  for (let i = 0; i < 200 && !existsSync(join(dir, 'out', 'run.lock')); i++) await sleep(25);
  const second = sluice(['run', 'p.json', '--out', 'out', '--quiet'], dir);
  assert.equal(second.status, 1);
  assert.match(second.stderr, new RegExp(`^sluice: ${dir.replace(/[.]/g, '\\.')}/out is in use by another run: pid ${first.pid} on ${hostname()}, started [0-9T:.Z-]+ \\(.*run p\\.json --out out.*\\)\\.\\nWait for it to finish or stop it, or use another --out\\. If that run is gone \\(another host, a crash\\), delete .*run\\.lock\\.\\n$`));
  assert.equal(await done, 0, 'the first run is not disturbed');
  assert.ok(!existsSync(join(dir, 'out', 'run.lock')), 'the lock is released at the end');
  const again = sluice(['run', 'p.json', '--out', 'out', '--quiet'], dir);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /01-normalize \(reused\)/);
});

test('a lock left by a dead process is taken over with a message, and the dead run\'s temporary files are removed', () => {
  const dir = tmp();
  corpus(dir);
  const ref = sluice(['run', 'p.json', '--out', 'ref', '--quiet'], dir);
  assert.equal(ref.status, 0, ref.stderr);
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(gone.stdout);
  mkdirSync(join(dir, 'out', '02-quality-scores', 'parts'), { recursive: true });
  writeFileSync(join(dir, 'out', 'run.lock'), JSON.stringify({ pid: deadPid, host: hostname(), started: '2026-01-01T00:00:00.000Z', command: 'sluice run p.json' }));
  writeFileSync(join(dir, 'out', '02-quality-scores', 'part-00003.parquet.tmp-99999'), 'half a file');
  writeFileSync(join(dir, 'out', '02-quality-scores', 'parts', 'part-00003.json.tmp-99999'), '{"half');
  const r = sluice(['run', 'p.json', '--out', 'out', '--quiet'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`taking over the lock of a run that is gone \\(pid ${deadPid}, started 2026-01-01T00:00:00\\.000Z\\)`));
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [n]));
  assert.deepEqual(walk(join(dir, 'out')).filter((n) => n.includes('.tmp-')), [], 'no temporary file is left anywhere');
  const digest = (d: string) => new Map([...treeDigest(d)].filter(([k]) => k !== 'run.json'));
  assert.deepEqual(digest(join(dir, 'out')), digest(join(dir, 'ref')), 'the same bytes as an undisturbed run');
  assert.ok(!readFileSync(join(dir, 'out', '01-normalize', 'manifest.json'), 'utf8').includes('tmp-'));
});
