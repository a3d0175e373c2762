// Runs against a real Slurm: where one answers (`sinfo` shows an idle node) it runs, elsewhere it is skipped with the
// reason. `make test` never starts or installs one; `make test-slurm` starts a one-node cluster (as root) and runs
// this file with SLUICE_REQUIRE_SLURM=1, so that there a missing cluster is a failure, not a skip.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliPath, repoRoot, tmp, treeDigest } from '../helpers.js';

const answering = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' }).stdout?.includes('idle') ?? false;
const why = answering ? '' : 'no Slurm cluster answers here (sinfo shows no idle node); `make test-slurm` starts a one-node one (as root) and runs this test';
if (!answering && process.env.SLUICE_REQUIRE_SLURM) throw new Error(`SLUICE_REQUIRE_SLURM is set but ${why}`);

function sluice(args: string[], cwd = repoRoot) {
  return spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8' });
}

/** Step folders only (run.json, stats.json and the slurm/ logs differ by design). */
function steps(dir: string): Map<string, string> {
  const all = treeDigest(dir);
  return new Map([...all].filter(([k]) => /^\d\d-/.test(k)));
}

function squeue(): string[][] {
  return spawnSync('squeue', ['-h', '-r', '-o', '%i %T'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map((l) => l.split(/\s+/));
}

test('the sample pipeline on Slurm (--tasks 4) gives the local run\'s bytes; a killed array task is reported and a resubmission reruns only what is missing', { skip: why || false }, async () => {
  const local = tmp();
  const l = sluice(['run', 'corpus', '--out', local, '--quiet']);
  assert.equal(l.status, 0, l.stderr);

  // Submit without waiting; kill one array task of the first (per-document) segment while it runs.
  const out = tmp();
  const sub = sluice(['run', 'corpus', '--executor', 'slurm', '--tasks', '4', '--cpus-per-task', '1', '--out', out, '--no-wait', '--quiet']);
  assert.equal(sub.status, 0, sub.stderr);
  const jobs = (JSON.parse(readFileSync(join(out, 'slurm', 'jobs.json'), 'utf8')) as { jobs: { id: string; kind: string; steps: string[]; tasks: number }[] }).jobs;
  assert.deepEqual(jobs.map((j) => j.kind), ['array', 'finish', 'step', 'step', 'step', 'step']);
  assert.deepEqual(jobs[0].steps, ['01-html-strip', '02-normalize', '03-lang-detect', '04-quality-scores', '05-quality']);
  assert.equal(jobs[0].tasks, 4);
  let killed = '';
  for (let i = 0; i < 600 && !killed; i++) {
    const running = squeue().find(([id, st]) => id.startsWith(`${jobs[0].id}_`) && st === 'RUNNING');
    if (running) {
      killed = running[0];
      spawnSync('scancel', ['--signal=KILL', killed]);
    } else await sleep(100);
  }
  assert.ok(killed, 'an array task was seen running');
  for (let i = 0; i < 600 && squeue().some(([id]) => jobs.some((j) => id === j.id || id.startsWith(`${j.id}_`))); i++) await sleep(200);

  const st = sluice(['status', out]);
  assert.equal(st.status, 0, st.stderr);
  assert.match(st.stdout, /01-html-strip +failed \(\d\/\d+ parts\)\n +log: .*slurm\/logs\/05-quality-\d+_\d\.out\n/);
  assert.match(st.stdout, /09-encode +failed|09-encode +not started/);
  const doneParts = readdirSync(join(out, '01-html-strip', 'parts')).filter((n) => n.endsWith('.json'));
  const before = new Map(doneParts.map((n) => [n, statSync(join(out, '01-html-strip', 'parts', n)).mtimeMs]));

  // The same command again (waiting this time) completes the run.
  const again = sluice(['run', 'corpus', '--executor', 'slurm', '--tasks', '4', '--cpus-per-task', '1', '--out', out, '--quiet']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /09-encode +done/);
  for (const [n, mtime] of before) assert.equal(statSync(join(out, '01-html-strip', 'parts', n)).mtimeMs, mtime, `${n} was kept, not redone`);
  assert.deepEqual(steps(out), steps(local), 'byte-identical to the local run');

  // Everything done: a resubmission submits nothing.
  const idle = sluice(['run', 'corpus', '--executor', 'slurm', '--out', out, '--quiet']);
  assert.match(idle.stdout, /none \(everything is done\)/);
});

test('a failing Slurm task\'s error reaches the user: the log path and the first error line', { skip: why || false }, () => {
  const dir = tmp();
  mkdirSync(join(dir, 'in'));
  writeFileSync(join(dir, 'in', 'a.jsonl'), '{"text": "fine"}\n');
  writeFileSync(join(dir, 'in', 'b.jsonl'), '{"text": "fine"}\n{"text": \n');
  writeFileSync(join(dir, 'p.json'), JSON.stringify({ name: 'bad', input: { paths: ['in'] }, steps: [{ stage: 'normalize' }] }));
  const r = sluice(['run', 'p.json', '--executor', 'slurm', '--tasks', '2', '--cpus-per-task', '1', '--out', 'out', '--quiet'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /sluice: 01-normalize failed on Slurm: sluice: .*b\.jsonl:2/);
  assert.match(r.stderr, /log: .*out\/slurm\/logs\/01-normalize-\d+_[01]\.out/);
  assert.match(r.stderr, /run the same command again/);
});
