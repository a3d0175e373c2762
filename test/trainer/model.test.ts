import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { resolveModel, type ModelConfig, type ModelConfigInput } from '../../trainer/config.js';
import { CpuKernels } from '../../trainer/kernels/cpu/cpuKernels.js';
import type { Kernels } from '../../trainer/kernels/kernels.js';
import { openKernels } from '../../trainer/kernels/select.js';
import { GPT, initParams, paramSpecs } from '../../trainer/model.js';
import { AdamW, clipFactor } from '../../trainer/optimizer.js';
import { prng } from '../../datasets/prng.js';
import { referenceLoss } from './reference.js';
import { estimateMemory } from '../../trainer/memory.js';
import { openWebgpu } from './webgpuDevice.js';

const TINY: ModelConfigInput = { vocabSize: 11, contextLength: 6, dModel: 8, nHeads: 2, nLayers: 2, mlpHidden: 12 };
const VARIANTS: [string, ModelConfigInput][] = [
  ['GPT-2 (learned positions, GELU, LayerNorm, bias)', {}],
  ['RoPE + SwiGLU + RMSNorm, no bias', { positions: 'rope', mlp: 'swiglu', norm: 'rmsnorm', bias: false }],
  ['RoPE + GELU + LayerNorm without bias', { positions: 'rope', bias: false }],
  ['GPT-2 with head size 32 and width 64 (the register-blocked kernel paths)', { dModel: 64, nHeads: 2, mlpHidden: 72 }],
];

const k2 = await CpuKernels.create({ threads: 2 });
const tfjs = await openKernels('tfjs-cpu');
const gpu = await openWebgpu();
after(() => Promise.all([k2.dispose(), tfjs.dispose(), 'k' in gpu ? gpu.k.dispose() : null]));
/** Every kernel set this machine runs: the model is checked on each against the same float64 reference. */
const SETS: [string, Kernels][] = [
  ['cpu, 2 threads', k2 as unknown as Kernels],
  ['TF.js on its cpu backend', tfjs],
  ...('k' in gpu ? [['webgpu', gpu.k] as [string, Kernels]] : []),
];
if ('reason' in gpu) test('the model on the WebGPU kernel set', { skip: gpu.reason }, () => {});

/** Params with every entry perturbed (norm gains and biases away from 1 and 0, so they are exercised). */
function values(c: ModelConfig, seed = 3): Float32Array[] {
  const r = prng(seed);
  return initParams(c, seed).map((p) => p.map((x) => x + (r() - 0.5) * 0.6));
}

const B = 2;
const T = 5;
const windows = Int32Array.from({ length: B * (T + 1) }, (_, i) => (i * 7 + 3) % 11);

for (const [setName, k] of SETS)
  for (const [name, cfg] of VARIANTS) {
    const c = resolveModel({ ...TINY, ...cfg }, undefined);
    const vals = values(c);
    const ref = (vs: Float64Array[]) => referenceLoss(c, new Map(paramSpecs(c).map((s, i) => [s.name, vs[i]])), windows, B, T);

    test(`forward pass agrees with a float64 reference implementation (${setName}): ${name}`, () => {
      const model = new GPT(c, k, vals);
      const got = model.forward(windows, B, T);
      const want = ref(vals.map((v) => Float64Array.from(v)));
      assert.ok(Math.abs(got - want) < 2e-6 * Math.max(1, want), `model ${got} vs reference ${want}`);
      assert.ok(want > 0.5, 'the loss is not trivial');
    });

    test(`gradients agree with central differences of the float64 reference (${setName}): ${name}`, () => {
      const model = new GPT(c, k, vals);
      model.zeroGrad();
      model.forward(windows, B, T, { gradScale: 1 });
      model.backward();
      const specs = paramSpecs(c);
      const h = 1e-4;
      let checked = 0;
      for (let i = 0; i < specs.length; i++) {
        const g = k.read(model.grads[i]);
        let big = 0;
        for (let j = 1; j < g.length; j++) if (Math.abs(g[j]) > Math.abs(g[big])) big = j;
        for (const j of new Set([big, 0, g.length - 1, g.length >> 1])) {
          const at = (delta: number) =>
            ref(
              vals.map((v, n) => {
                const x = Float64Array.from(v);
                if (n === i) x[j] += delta;
                return x;
              }),
            );
          const fd = (at(h) - at(-h)) / (2 * h);
          assert.ok(Math.abs(fd - g[j]) < 2e-5 + 2e-3 * Math.abs(fd), `${specs[i].name}[${j}]: analytic ${g[j]}, finite difference ${fd}`);
          checked++;
        }
        assert.ok(g.some((x) => x !== 0), `${specs[i].name} has a gradient`);
      }
      assert.ok(checked >= 3 * specs.length, `${checked} coordinates checked`);
    });
  }

test('with dropout the analytic gradient matches finite differences of the same masked loss, and dropout changes the loss', () => {
  const c = resolveModel({ ...TINY, positions: 'rope', dropout: 0.3 }, undefined);
  const vals = values(c);
  const model = new GPT(c, k2, vals);
  const o = { dropoutSeed: 77 };
  model.zeroGrad();
  const l0 = model.forward(windows, B, T, { ...o, gradScale: 1 });
  model.backward();
  assert.ok(Math.abs(l0 - model.forward(windows, B, T)) > 1e-3, 'masked and unmasked losses differ');
  assert.equal(model.forward(windows, B, T, o), l0, 'the same seed draws the same masks');
  const specs = paramSpecs(c);
  for (const name of ['h.0.attn.c_attn.weight', 'h.1.mlp.c_fc.weight', 'wte.weight', 'h.1.ln_2.bias']) {
    const i = specs.findIndex((s) => s.name === name);
    const g = k2.read(model.grads[i]);
    let big = 0;
    for (let j = 1; j < g.length; j++) if (Math.abs(g[j]) > Math.abs(g[big])) big = j;
    const at = (delta: number) => {
      const x = Float32Array.from(vals[i]);
      x[big] += delta;
      k2.write(model.params[i], x);
      const l = model.forward(windows, B, T, o);
      k2.write(model.params[i], vals[i]);
      return l;
    };
    const fd = (at(1e-2) - at(-1e-2)) / 2e-2;
    assert.ok(Math.abs(fd - g[big]) < 3e-4 + 3e-2 * Math.abs(g[big]), `${name}[${big}]: analytic ${g[big]}, finite difference ${fd}`);
  }
});

test("the model is causal: changing a later token leaves earlier positions' outputs unchanged", () => {
  const c = resolveModel({ ...TINY, positions: 'rope' }, undefined);
  const model = new GPT(c, k2, values(c));
  const ha = model.hidden(Int32Array.from([1, 2, 3, 4, 5]), 1, 5);
  const hb = model.hidden(Int32Array.from([1, 2, 3, 9, 5]), 1, 5);
  const d = 8;
  for (let i = 0; i < 3 * d; i++) assert.equal(ha[i], hb[i], `position ${Math.floor(i / d)}`);
  assert.ok(Math.abs(ha[3 * d] - hb[3 * d]) > 1e-4, 'the changed position differs');
  const logits = model.nextLogits(Int32Array.from([1, 2, 3]));
  assert.equal(logits.length, 11);
});

/** Three AdamW steps with clipping and dropout; the losses and the final parameters, as bits. */
async function trainBits(k: Kernels, c: ModelConfig, Bn: number, Tn: number): Promise<{ losses: number[]; params: Uint32Array[] }> {
  const model = new GPT(c, k, initParams(c, 5));
  const opt = new AdamW(k, paramSpecs(c).map((s) => s.shape), { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
  const r = prng(9);
  const losses: number[] = [];
  for (let step = 0; step < 3; step++) {
    model.zeroGrad();
    const w = Int32Array.from({ length: Bn * (Tn + 1) }, () => Math.floor(r() * c.vocabSize));
    losses.push(model.forward(w, Bn, Tn, { dropoutSeed: step + 1, gradScale: 1 }));
    model.backward();
    const { scale } = clipFactor(k, model.grads, 0.5);
    opt.step(model.params, model.grads, 1e-2, scale);
  }
  return { losses, params: model.values().map((v) => new Uint32Array(v.buffer.slice(0))) };
}

test('training is bit-identical on 1, 2 and 3 threads (losses and parameters after three clipped AdamW steps)', async () => {
  // shapes that split unevenly: 5 x 13 tokens, width 36, 3 heads of 12, vocab 301, hidden 100
  const c = resolveModel({ vocabSize: 301, contextLength: 13, dModel: 36, nHeads: 3, nLayers: 2, mlpHidden: 100, dropout: 0.1, positions: 'rope', mlp: 'swiglu' }, undefined);
  const runs: { losses: number[]; params: Uint32Array[] }[] = [];
  for (const threads of [1, 2, 3]) {
    const k = await CpuKernels.create({ threads });
    runs.push(await trainBits(k as unknown as Kernels, c, 5, 13));
    await k.dispose();
  }
  assert.ok(runs[0].losses[2] < runs[0].losses[0] + 1, 'training runs');
  for (const r of runs.slice(1)) {
    assert.deepEqual(r.losses, runs[0].losses);
    r.params.forEach((p, i) => assert.ok(Buffer.from(p.buffer).equals(Buffer.from(runs[0].params[i].buffer)), `parameter ${i} differs`));
  }
});

test('AdamW follows PyTorch: bias-corrected moments, decoupled decay on 2-D weights only, clipping by the global norm', () => {
  const o = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };
  const shapes = [[2, 2], [2]];
  const init = [[0.5, -1, 2, 0.25], [0.5, -1]];
  const ps = init.map((x) => { const b = k2.alloc(x.length); k2.write(b, Float32Array.from(x)); return b; });
  const gs = shapes.map((s) => k2.alloc(s.reduce((a, b) => a * b, 1)));
  const opt = new AdamW(k2, shapes, o);
  const grads = [[0.1, -0.2, 0.3, 0.05], [0.1, -0.2]];
  const ref = init.map((r) => [...r]);
  const m = ref.map((r) => r.map(() => 0));
  const v = ref.map((r) => r.map(() => 0));
  for (let t = 1; t <= 3; t++) {
    const lr = 0.01 * t;
    grads.forEach((g, i) => k2.write(gs[i], Float32Array.from(g.map((x) => x * t))));
    const { norm, scale } = clipFactor(k2, gs, 0.5);
    const want = Math.hypot(...grads.flat().map((x) => x * t));
    assert.ok(Math.abs(norm - want) < 1e-6, `norm ${norm} vs ${want}`);
    opt.step(ps, gs, lr, scale);
    ref.forEach((p, i) =>
      p.forEach((x, j) => {
        const g = grads[i][j] * t * (want > 0.5 ? 0.5 / (want + 1e-6) : 1);
        if (i === 0) p[j] = x * (1 - lr * o.weightDecay);
        m[i][j] = o.beta1 * m[i][j] + (1 - o.beta1) * g;
        v[i][j] = o.beta2 * v[i][j] + (1 - o.beta2) * g * g;
        p[j] -= (lr * (m[i][j] / (1 - o.beta1 ** t))) / (Math.sqrt(v[i][j] / (1 - o.beta2 ** t)) + o.eps);
      }),
    );
  }
  ps.forEach((p, i) => [...k2.read(p)].forEach((x, j) => assert.ok(Math.abs(x - ref[i][j]) < 1e-6, `param ${i}[${j}] ${x} vs ${ref[i][j]}`)));
  assert.equal(opt.t, 3);
});

test('the memory guard counts what a training step really holds (within 25%, never under)', async () => {
  const c = resolveModel({ vocabSize: 512, contextLength: 64, dModel: 64, nHeads: 4, nLayers: 3 }, undefined);
  const k = await CpuKernels.create({ threads: 2 });
  try {
    const before = k.bytesHeld();
    const model = new GPT(c, k as unknown as Kernels, initParams(c, 1));
    const opt = new AdamW(k as unknown as Kernels, paramSpecs(c).map((s) => s.shape), { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
    const w = Int32Array.from({ length: 8 * 65 }, (_, i) => (i * 31) % 512);
    model.forward(w, 8, 64, { gradScale: 1 });
    model.backward();
    opt.step(model.params, model.grads, 1e-3, clipFactor(k as unknown as Kernels, model.grads, 1).scale);
    const held = k.bytesHeld() - before;
    const est = estimateMemory(c, 8).bytes;
    assert.ok(est >= held && est <= held * 1.25, `estimate ${est} vs held ${held}`);
  } finally {
    await k.dispose();
  }
});
