import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyCheckpoint } from '../../trainer/checkpoint.js';
import { crc32c } from '../../trainer/tensorboard.js';
import { cliPath, completeLines, repoRoot, runDef, tmp } from '../helpers.js';

// Real text: the Brown corpus from the sample, a 512-token BPE, shards with a validation split.
const shardsRoot = tmp();
const shards = join(shardsRoot, '03-encode', 'shards');
const built = runDef(
  {
    name: 'train-fixture',
    input: { paths: ['data/sample/brown'] },
    validationFraction: 0.05,
    steps: [{ stage: 'normalize' }, { stage: 'bpe-train', vocabSize: 512 }, { stage: 'encode' }],
  },
  { out: shardsRoot, threads: 1, cwd: repoRoot, quiet: true },
);

const MODEL = ['--d-model', '64', '--n-layers', '2', '--n-heads', '2', '--context-length', '64', '--dropout', '0.1', '--positions', 'rope'];
const TRAIN = ['--threads', '2', '--shards', shards, '--batch-size', '8', '--steps', '24', '--warmup-steps', '4', '--lr', '3e-3', '--checkpoint-every', '6', '--eval-every', '12', '--eval-batches', '2', '--log-every', '1', '--sample-tokens', '8'];

function sluice(args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { cwd: repoRoot, encoding: 'utf8' });
}

function trainLosses(run: string): [number, number][] {
  return completeLines(readFileSync(join(run, 'metrics.jsonl'), 'utf8'))
    .map((l) => JSON.parse(l) as { type: string; step: number; loss: number })
    .filter((m) => m.type === 'train')
    .map((m) => [m.step, m.loss]);
}

/** Every TFRecord in a TensorBoard event file has valid length and masked CRC-32C framing. */
function eventRecords(path: string): number {
  const b = readFileSync(path);
  const mask = (c: number) => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
  let at = 0;
  let n = 0;
  while (at < b.length) {
    const len = Number(b.readBigUInt64LE(at));
    assert.equal(b.readUInt32LE(at + 8), mask(crc32c(b.subarray(at, at + 8))), `length crc of record ${n}`);
    assert.equal(b.readUInt32LE(at + 12 + len), mask(crc32c(b.subarray(at + 12, at + 12 + len))), `data crc of record ${n}`);
    at += 16 + len;
    n++;
  }
  return n;
}

test('sluice train: the loss falls, a SIGKILLed run resumes with exactly the uninterrupted losses; sample and eval use the checkpoint', async () => {
  await built;
  const a = tmp();
  const full = sluice(['train', ...MODEL, ...TRAIN, '--out', a, '--quiet']);
  assert.equal(full.status, 0, full.stderr);
  assert.match(full.stdout, /validation perplexity: [\d.]+ \(loss [\d.]+\)\nunigram perplexity: +[\d.]+/);
  const lossesA = trainLosses(a);
  assert.deepEqual(lossesA.map(([s]) => s), Array.from({ length: 24 }, (_, i) => i + 1));
  assert.ok(lossesA[23][1] < lossesA[0][1] - 0.5, `loss ${lossesA[0][1]} -> ${lossesA[23][1]}`);
  const tb = readdirSync(join(a, 'tensorboard'));
  assert.equal(tb.length, 1);
  assert.ok(eventRecords(join(a, 'tensorboard', tb[0])) >= 1 + 24 + 2, 'version record, one per step, two evaluations');

  // The same run, killed with SIGKILL between checkpoints (after step 8 of 24), then resumed.
  const b = tmp();
  const child = spawn(process.execPath, [cliPath, 'train', ...MODEL, ...TRAIN, '--out', b, '--quiet'], { cwd: repoRoot, stdio: 'ignore' });
  const exited = new Promise((r) => child.on('exit', r));
  let killedAt = 0;
  for (let i = 0; i < 6000 && !killedAt; i++) {
    await sleep(10);
    if (existsSync(join(b, 'metrics.jsonl'))) {
      const steps = trainLosses(b).map(([s]) => s);
      if (steps.length && steps[steps.length - 1] >= 8) {
        child.kill('SIGKILL');
        killedAt = steps[steps.length - 1];
      }
    }
  }
  await exited;
  assert.ok(killedAt >= 8 && killedAt < 24, `killed after step ${killedAt}`);
  assert.ok(!existsSync(join(b, 'checkpoints', 'step-00000024')), 'the run did not finish');
  const resumed = sluice(['train', '--resume', '--out', b, '--quiet']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(trainLosses(b), lossesA, 'the resumed run\'s losses equal the uninterrupted run\'s, step by step');
  assert.equal(await verifyCheckpoint(join(b, 'checkpoints', 'step-00000024')), null);
  assert.deepEqual(readdirSync(join(b, 'checkpoints')), ['step-00000012', 'step-00000018', 'step-00000024'], 'keep-last-3');

  // One thread computes the same losses, bit for bit, as two.
  const c = tmp();
  const one = sluice(['train', ...MODEL, ...TRAIN, '--threads', '1', '--out', c, '--quiet']);
  assert.equal(one.status, 0, one.stderr);
  assert.deepEqual(trainLosses(c), lossesA);

  // Without --resume, an existing run is not overwritten.
  const again = sluice(['train', ...TRAIN, '--out', a]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already holds checkpoints \(step-00000024\): pass --resume/);

  // Seeded sampling is reproducible; eval reproduces the last evaluation.
  const s1 = sluice(['generate', a, '--prompt', 'The jury', '--max-tokens', '12', '--seed', '5']);
  const s2 = sluice(['generate', join(a, 'checkpoints', 'step-00000024'), '--prompt', 'The jury', '--max-tokens', '12', '--seed', '5']);
  assert.equal(s1.status, 0, s1.stderr);
  assert.match(s1.stdout, /^The jury/);
  assert.equal(s1.stdout, s2.stdout);
  const ev = sluice(['eval', a, '--batches', '2']);
  assert.equal(ev.status, 0, ev.stderr);
  const last = readFileSync(join(a, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.type === 'eval').pop();
  assert.match(ev.stdout, new RegExp(`validation loss ${last.valLoss.toFixed(4)}`));
});

test('sluice train refuses bad configs before training, naming the key', async () => {
  await built;
  // A run folder finds its shards by name (the encode step's), as a shards folder does.
  const r = sluice(['train', '--shards', shardsRoot, '--d-model', '30', '--n-heads', '4', '--out', tmp()]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /dModel 30 is not divisible by nHeads 4/);
  const big = sluice(['train', '--shards', shards, '--d-model', '1024', '--n-layers', '24', '--n-heads', '16', '--context-length', '1024', '--batch-size', '64', '--out', tmp()]);
  assert.equal(big.status, 1);
  assert.match(big.stderr, /GiB for a step \(.* activations.*\); the CPU kernels' wasm memory stops at 4 GiB.*lower batchSize and raise gradAccum/);
  const missing = sluice(['train', '--shards', join(shardsRoot, 'nope'), '--out', tmp()]);
  assert.match(missing.stderr, /nope: no token shards here: expected a shards folder \(with manifest\.json\) or a pipeline run folder/);
});
