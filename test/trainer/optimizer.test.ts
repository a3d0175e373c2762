import assert from 'node:assert/strict';
import { test } from 'node:test';
import { learningRate } from '../../trainer/optimizer.js';

test('learning rate: linear warmup, then cosine down to minLrRatio of the peak at the last step', () => {
  const o = { lr: 1e-3, warmupSteps: 10, steps: 110, minLrRatio: 0.1 };
  assert.equal(learningRate(0, o), 1e-4);
  assert.equal(learningRate(9, o), 1e-3);
  assert.ok(Math.abs(learningRate(10, o) - 1e-3) < 1e-12);
  assert.ok(Math.abs(learningRate(60, o) - 0.55e-3) < 1e-12, 'half way: the mean of peak and floor');
  assert.ok(Math.abs(learningRate(110, o) - 1e-4) < 1e-12);
  for (let s = 11; s < 110; s++) assert.ok(learningRate(s, o) < learningRate(s - 1, o), `decreasing at ${s}`);
});
