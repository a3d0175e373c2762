// Training on the WebGPU kernel set end to end: its losses follow the CPU set's for 50 steps, repeat bit for bit
// from run to run, and a SIGKILLed run resumes with exactly the uninterrupted losses. Skipped where no adapter
// answers (make test-webgpu runs it on Mesa's lavapipe). And what `--backend webgpu` says when none does.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliPath, completeLines, repoRoot, runDef, tmp } from '../helpers.js';
import { openWebgpu } from './webgpuDevice.js';

/** How far the WebGPU run's loss may drift from the CPU run's over 50 steps (lavapipe: 7e-8; GPUs round exp and division their own way). */
const LOSS_TOLERANCE = 5e-4;

const probe = await openWebgpu();
if ('k' in probe) await probe.k.dispose();
const skip = 'reason' in probe ? probe.reason : false;

const shardsRoot = tmp();
const shards = join(shardsRoot, '03-encode', 'shards');
const built = runDef(
  {
    name: 'webgpu-train-fixture',
    input: { paths: ['data/sample/brown'] },
    validationFraction: 0.05,
    steps: [{ stage: 'normalize' }, { stage: 'bpe-train', vocabSize: 512 }, { stage: 'encode' }],
  },
  { out: shardsRoot, threads: 1, cwd: repoRoot, quiet: true },
);

const MODEL = ['--d-model', '32', '--n-layers', '2', '--n-heads', '2', '--context-length', '32', '--dropout', '0.1', '--positions', 'rope'];
const TRAIN = ['--shards', shards, '--batch-size', '4', '--steps', '50', '--warmup-steps', '5', '--lr', '3e-3', '--checkpoint-every', '10', '--eval-every', '50', '--eval-batches', '1', '--log-every', '1', '--sample-tokens', '0', '--quiet'];

function sluice(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [cliPath, ...args], { cwd: repoRoot, encoding: 'utf8', env });
}

function losses(run: string): number[] {
  if (!existsSync(join(run, 'metrics.jsonl'))) return [];
  return completeLines(readFileSync(join(run, 'metrics.jsonl'), 'utf8'))
    .map((l) => JSON.parse(l) as { type: string; loss: number })
    .filter((m) => m.type === 'train')
    .map((m) => m.loss);
}

test('sluice train --backend webgpu: follows the CPU set for 50 steps, repeats bit for bit, resumes exactly', { skip }, async () => {
  await built;
  const cpu = tmp();
  const r0 = sluice(['train', ...MODEL, ...TRAIN, '--backend', 'cpu', '--out', cpu]);
  assert.equal(r0.status, 0, r0.stderr);
  const gpu = tmp();
  const r1 = sluice(['train', ...MODEL, ...TRAIN, '--backend', 'webgpu', '--out', gpu]);
  assert.equal(r1.status, 0, r1.stderr);
  const [lc, lg] = [losses(cpu), losses(gpu)];
  assert.equal(lg.length, 50);
  assert.ok(lg[49] < lg[0] - 0.5, `the loss falls: ${lg[0]} -> ${lg[49]}`);
  const worst = Math.max(...lg.map((x, i) => Math.abs(x - lc[i])));
  if (process.env.SLUICE_KERNEL_ERRORS === '1') console.log(`webgpu vs cpu: worst loss difference over 50 steps ${worst.toExponential(2)}`);
  assert.ok(worst <= LOSS_TOLERANCE, `webgpu vs cpu losses differ by up to ${worst.toExponential(2)} (allowed ${LOSS_TOLERANCE})`);

  // killed between checkpoints, then resumed: the losses of one uninterrupted run, bit for bit (also run to run)
  const b = tmp();
  const child = spawn(process.execPath, [cliPath, 'train', ...MODEL, ...TRAIN, '--backend', 'webgpu', '--out', b], { cwd: repoRoot, stdio: 'ignore' });
  const exited = new Promise((r) => child.on('exit', r));
  let killedAt = 0;
  for (let i = 0; i < 12000 && !killedAt; i++) {
    await sleep(10);
    const n = losses(b).length;
    if (n >= 15) {
      child.kill('SIGKILL');
      killedAt = n;
    }
  }
  await exited;
  assert.ok(killedAt >= 15 && killedAt < 50, `killed after step ${killedAt}`);
  const resumed = sluice(['train', '--resume', '--out', b, '--quiet']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(losses(b), lg);
});

test('sluice train --backend webgpu where no adapter answers: says why and what to install', async () => {
  await built;
  const run = tmp();
  const r = sluice(['train', '--backend', 'webgpu', '--shards', shards, '--steps', '1', '--out', run], { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /no WebGPU adapter answered/);
  assert.match(r.stderr, /VK_ICD_FILENAMES=\/nonexistent\/icd\.json limits Vulkan/);
  assert.match(r.stderr, /mesa-vulkan-drivers/);
  assert.match(r.stderr, /--backend cpu/);
});
