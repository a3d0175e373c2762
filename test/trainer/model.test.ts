import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { causalAttention } from '../../trainer/attention.js';
import { useBackend } from '../../trainer/backend.js';
import { resolveModel, type ModelConfigInput } from '../../trainer/config.js';
import { GPT, initParams, paramSpecs } from '../../trainer/model.js';
import { referenceLoss } from './reference.js';

await useBackend('wasm');

const TINY: ModelConfigInput = { vocabSize: 11, contextLength: 6, dModel: 8, nHeads: 2, nLayers: 2, mlpHidden: 12 };
const VARIANTS: [string, ModelConfigInput][] = [
  ['GPT-2 (learned positions, GELU, LayerNorm, bias)', {}],
  ['RoPE + SwiGLU + RMSNorm, no bias', { positions: 'rope', mlp: 'swiglu', norm: 'rmsnorm', bias: false }],
  ['RoPE + GELU + LayerNorm without bias', { positions: 'rope', bias: false }],
];

/** Params with every entry perturbed (norm gains and biases away from 1 and 0, so they are exercised). */
function params(cfg: ModelConfigInput, seed = 3): { model: GPT; ps: tf.Tensor[] } {
  const c = resolveModel({ ...TINY, ...cfg }, undefined);
  const model = new GPT(c);
  const ps = initParams(c, seed).map((p, i) => tf.add(p, tf.randomNormal(p.shape, 0, 0.3, 'float32', seed * 100 + i)));
  return { model, ps };
}

const B = 2;
const T = 5;
const windows = Int32Array.from({ length: B * (T + 1) }, (_, i) => (i * 7 + 3) % 11);

for (const [name, cfg] of VARIANTS) {
  test(`forward pass agrees with a float64 reference implementation: ${name}`, () => {
    const { model, ps } = params(cfg);
    const got = tf.tidy(() => model.loss(ps, windows, B, T).dataSync()[0]);
    const data = new Map(model.specs.map((s, i) => [s.name, Float64Array.from(ps[i].dataSync())]));
    const want = referenceLoss(model.config, data, windows, B, T);
    assert.ok(Math.abs(got - want) < 1e-4, `model ${got} vs reference ${want}`);
    assert.ok(want > 0.5, 'the loss is not trivial');
  });

  test(`gradients agree with central finite differences: ${name}`, () => {
    const { model, ps } = params(cfg);
    const lossAt = (xs: tf.Tensor[]) => tf.tidy(() => model.loss(xs, windows, B, T).dataSync()[0]);
    const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => model.loss(xs, windows, B, T))(ps);
    value.dispose();
    const h = 1e-2;
    let checked = 0;
    for (let i = 0; i < ps.length; i++) {
      const g = grads[i].dataSync();
      const base = ps[i].dataSync();
      // the largest-magnitude coordinate and two fixed others
      let big = 0;
      for (let j = 1; j < g.length; j++) if (Math.abs(g[j]) > Math.abs(g[big])) big = j;
      for (const j of new Set([big, 0, g.length - 1])) {
        const at = (delta: number) => {
          const copy = Float32Array.from(base);
          copy[j] += delta;
          const xs = ps.map((p, k) => (k === i ? tf.tensor(copy, p.shape) : p));
          const l = lossAt(xs);
          xs[i].dispose();
          return l;
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        const err = Math.abs(fd - g[j]);
        assert.ok(err < 3e-4 + 3e-2 * Math.abs(g[j]), `${model.specs[i].name}[${j}]: analytic ${g[j]}, finite difference ${fd}`);
        checked++;
      }
    }
    assert.ok(checked >= 3 * paramSpecs(model.config).length - 5, `${checked} coordinates checked`);
  });
}

test('the three attention implementations (JS kernel, block-diagonal 2-D products, TF.js ops) agree, forward and backward, with RoPE and dropout', () => {
  const s = { B: 2, T: 7, H: 2, hd: 4, ropeBase: 10000, dropout: 0.3, seed: 42 };
  const qkv = tf.randomNormal([s.B * s.T, 3 * s.H * s.hd], 0, 1, 'float32', 9);
  const w = tf.randomNormal([s.B * s.T, s.H * s.hd], 0, 1, 'float32', 10);
  for (const shape of [s, { ...s, ropeBase: undefined, seed: undefined }]) {
    const run = (impl: 'js' | 'blocks' | 'tf') => {
      const f = (x: tf.Tensor) => tf.sum(tf.mul(causalAttention(x, shape, impl), w));
      return { y: causalAttention(qkv, shape, impl).dataSync(), g: tf.grad(f)(qkv).dataSync() };
    };
    const a = run('js');
    for (const impl of ['blocks', 'tf'] as const) {
      const b = run(impl);
      for (let i = 0; i < a.y.length; i++) assert.ok(Math.abs(a.y[i] - b.y[i]) < 1e-5, `${impl}: y[${i}] ${a.y[i]} vs ${b.y[i]}`);
      for (let i = 0; i < a.g.length; i++) assert.ok(Math.abs(a.g[i] - b.g[i]) < 1e-4, `${impl}: grad[${i}] ${a.g[i]} vs ${b.g[i]}`);
    }
  }
});

test('the model is causal: changing a later token leaves earlier positions\' outputs unchanged', () => {
  const { model, ps } = params({ positions: 'rope' });
  const a = Int32Array.from([1, 2, 3, 4, 5]);
  const b = Int32Array.from([1, 2, 3, 9, 5]);
  const ha = tf.tidy(() => model.hidden(ps, a, 1, 5).dataSync());
  const hb = tf.tidy(() => model.hidden(ps, b, 1, 5).dataSync());
  const d = 8;
  for (let i = 0; i < 3 * d; i++) assert.ok(Math.abs(ha[i] - hb[i]) < 1e-6, `position ${Math.floor(i / d)}`);
  assert.ok(Math.abs(ha[3 * d] - hb[3 * d]) > 1e-4, 'the changed position differs');
});

test('the cpu backend computes the same loss as wasm', async () => {
  const { model, ps } = params({});
  const data = ps.map((p) => ({ v: p.dataSync().slice(), s: p.shape }));
  const wasm = tf.tidy(() => model.loss(ps, windows, B, T).dataSync()[0]);
  await useBackend('cpu');
  try {
    const cpuParams = data.map((p) => tf.tensor(p.v, p.s));
    const cpu = tf.tidy(() => model.loss(cpuParams, windows, B, T).dataSync()[0]);
    assert.ok(Math.abs(cpu - wasm) < 1e-5, `cpu ${cpu} vs wasm ${wasm}`);
  } finally {
    await useBackend('wasm');
  }
});
