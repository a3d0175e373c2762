import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../trainer/backend.js';
import { AdamW, clipByGlobalNorm, learningRate } from '../../trainer/optimizer.js';

await useBackend('wasm');

test('AdamW follows PyTorch: bias-corrected moments, decoupled decay on 2-D weights only', () => {
  const o = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };
  let params: tf.Tensor[] = [tf.tensor2d([[0.5, -1], [2, 0.25]]), tf.tensor1d([0.5, -1])];
  const opt = new AdamW(params, o);
  const grads = [[0.1, -0.2, 0.3, 0.05], [0.1, -0.2]];
  // float64 reference of torch.optim.AdamW
  const ref = [[0.5, -1, 2, 0.25], [0.5, -1]];
  const m = ref.map((r) => r.map(() => 0));
  const v = ref.map((r) => r.map(() => 0));
  for (let t = 1; t <= 3; t++) {
    const lr = 0.01 * t;
    params = opt.step(params, grads.map((g, i) => tf.tensor(g.map((x) => x * t), params[i].shape)), lr);
    ref.forEach((p, i) =>
      p.forEach((x, j) => {
        const g = grads[i][j] * t;
        if (i === 0) p[j] = x * (1 - lr * o.weightDecay);
        m[i][j] = o.beta1 * m[i][j] + (1 - o.beta1) * g;
        v[i][j] = o.beta2 * v[i][j] + (1 - o.beta2) * g * g;
        const mh = m[i][j] / (1 - o.beta1 ** t);
        const vh = v[i][j] / (1 - o.beta2 ** t);
        p[j] -= (lr * mh) / (Math.sqrt(vh) + o.eps);
      }),
    );
  }
  params.forEach((p, i) => [...p.dataSync()].forEach((x, j) => assert.ok(Math.abs(x - ref[i][j]) < 1e-6, `param ${i}[${j}] ${x} vs ${ref[i][j]}`)));
  assert.equal(opt.t, 3);
});

test('learning rate: linear warmup, then cosine down to minLrRatio of the peak at the last step', () => {
  const o = { lr: 1e-3, warmupSteps: 10, steps: 110, minLrRatio: 0.1 };
  assert.equal(learningRate(0, o), 1e-4);
  assert.equal(learningRate(9, o), 1e-3);
  assert.ok(Math.abs(learningRate(10, o) - 1e-3) < 1e-12);
  assert.ok(Math.abs(learningRate(60, o) - 0.55e-3) < 1e-12, 'half way: the mean of peak and floor');
  assert.ok(Math.abs(learningRate(110, o) - 1e-4) < 1e-12);
  for (let s = 11; s < 110; s++) assert.ok(learningRate(s, o) < learningRate(s - 1, o), `decreasing at ${s}`);
});

test('gradient clipping scales to the global norm and reports the norm before clipping', () => {
  const g = [tf.tensor1d([3, 0]), tf.tensor1d([0, 4])]; // norm 5
  const { grads, norm } = clipByGlobalNorm(g, 1);
  assert.ok(Math.abs(norm - 5) < 1e-6);
  const out = grads.flatMap((x) => [...x.dataSync()]);
  assert.ok(Math.abs(Math.hypot(...out) - 1) < 1e-5);
  const small = clipByGlobalNorm([tf.tensor1d([0.3, 0.4])], 1);
  assert.deepEqual([...small.grads[0].dataSync()].map((x) => Math.round(x * 1e6) / 1e6), [0.3, 0.4], 'under the limit: unchanged');
});
