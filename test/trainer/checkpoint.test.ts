import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hfConfig, listCheckpoints, loadCheckpoint, saveCheckpoint, type CheckpointData } from '../../trainer/checkpoint.js';
import { resolveModel, resolveRunConfig, resolveTrain } from '../../trainer/config.js';
import { estimateMemory, WASM_BUDGET_BYTES } from '../../trainer/memory.js';
import { paramSpecs } from '../../trainer/model.js';
import { decodeSafetensors } from '../../trainer/safetensors.js';
import { crc32c } from '../../trainer/tensorboard.js';
import { tmp } from '../helpers.js';

function fakeCheckpoint(step: number): CheckpointData {
  const model = resolveModel({ vocabSize: 10, dModel: 4, nHeads: 2, nLayers: 1, contextLength: 4 }, undefined);
  const params = paramSpecs(model).map((s, i) => ({ name: s.name, shape: s.shape, data: Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, (_, j) => i + j / 100 + step) }));
  return {
    model,
    params,
    optimizer: { t: step, m: params, v: params },
    state: { format: 'sluice.trainer', version: 1, step, tokensSeen: step * 32, rng: { seed: 1, counter: step }, loader: { seed: 1, epoch: 0, position: step * 8 }, train: resolveTrain({}), elapsedMs: 1, lastLoss: 2.5 },
    eotId: 9,
  };
}

test('config errors name the key: unknown keys, wrong types, heads that do not divide the width', () => {
  assert.throws(() => resolveModel({ dModel: 64, layers: 2 }, 100), /model config: unknown option "layers"/);
  assert.throws(() => resolveTrain({ lr: 'fast' }), /train config: lr: expected number, got "fast"/);
  assert.throws(() => resolveModel({ dModel: 10, nHeads: 4 }, 100), /dModel 10 is not divisible by nHeads 4/);
  assert.throws(() => resolveRunConfig({ model: {}, train: { stepz: 1 } }, 'run.json'), /run\.json: train: unknown option "stepz"/);
  assert.throws(() => resolveModel({ positions: 'alibi' }, 100), /positions/);
  assert.equal(resolveModel({ mlp: 'swiglu' }, 100).mlpHidden, 344, 'SwiGLU width: 8/3 x 128 rounded up to 8');
});

test('the memory guard refuses what cannot fit wasm\'s 4 GiB and accepts the default and a d 384 / 6-layer model at batch 16', () => {
  assert.ok(estimateMemory(resolveModel({}, 4096), 8).bytes < WASM_BUDGET_BYTES / 4);
  assert.ok(estimateMemory(resolveModel({ dModel: 384, nLayers: 6, nHeads: 6, contextLength: 256 }, 8192), 16).bytes < WASM_BUDGET_BYTES);
  assert.ok(estimateMemory(resolveModel({ dModel: 512, nLayers: 8, nHeads: 8, contextLength: 512 }, 50257), 32).bytes > WASM_BUDGET_BYTES);
});

test('config.json says gpt2 only for GPT-2\'s own options; RoPE / SwiGLU / RMSNorm name themselves', () => {
  const cfg = hfConfig(resolveModel({ positions: 'rope', mlp: 'swiglu', norm: 'rmsnorm', bias: false }, 100), 99) as Record<string, unknown>;
  assert.equal(cfg.model_type, 'sluice_gpt');
  assert.deepEqual(cfg.architectures, ['SluiceGPT']);
  assert.equal(cfg.activation_function, 'silu');
  assert.equal(cfg.position_embedding_type, 'rotary');
  assert.equal(cfg.normalization, 'rmsnorm');
  assert.equal(cfg.use_bias, false);
  assert.equal((hfConfig(resolveModel({}, 100), 99) as Record<string, unknown>).activation_function, 'gelu_new');
});

test('checkpoints: safetensors with GPT-2 names readable by offset, HF config, keep-last-K, a corrupt newest one falls back with a warning', async () => {
  const run = tmp();
  const tok = join(run, 'tok.json');
  writeFileSync(tok, '{}');
  for (const step of [10, 20, 30]) await saveCheckpoint(run, fakeCheckpoint(step), tok, 2);
  assert.deepEqual(await listCheckpoints(run), ['step-00000020', 'step-00000030']);
  const dir = join(run, 'checkpoints', 'step-00000030');
  // safetensors read independently: 8-byte header size, JSON header, F32 data at the stated offsets
  const bytes = readFileSync(join(dir, 'model.safetensors'));
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString()) as Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>;
  assert.deepEqual(header['h.0.attn.c_attn.weight'].shape, [4, 12], 'GPT-2 Conv1D layout [in, out]');
  assert.equal(header['wte.weight'].dtype, 'F32');
  const at = 8 + n + header['wte.weight'].data_offsets[0];
  assert.equal(bytes.readFloatLE(at + 4), Math.fround(30.01));
  assert.equal(decodeSafetensors(bytes, 'x').tensors.get('ln_f.weight')!.shape[0], 4);
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.equal(cfg.model_type, 'gpt2');
  assert.equal(cfg.n_embd, 4);
  assert.deepEqual(cfg.architectures, ['GPT2LMHeadModel']);

  const warnings: string[] = [];
  assert.equal((await loadCheckpoint(run, (w) => warnings.push(w))).state.step, 30);
  const f = join(dir, 'model.safetensors');
  const b = readFileSync(f);
  b[b.length - 1] ^= 0xff; // one flipped byte
  writeFileSync(f, b);
  const loaded = await loadCheckpoint(run, (w) => warnings.push(w));
  assert.equal(loaded.state.step, 20);
  assert.match(warnings.join('\n'), /step-00000030 is corrupt \(model\.safetensors does not match its checksum\); using the previous one, step-00000020/);
  await assert.rejects(loadCheckpoint(dir, () => undefined), /not a usable checkpoint \(model\.safetensors does not match its checksum\)/);
});

test('CRC-32C (TensorBoard record framing) matches the standard check value', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});
