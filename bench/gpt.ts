// Trainer benchmark: one optimizer step of the same GPT (d 128, 4 layers, 4 heads, context 128, batch 8, vocab
// 4096) in sluice (TensorFlow.js wasm) and in PyTorch (Debian's python3-torch, CPU) on this machine; tokens/s,
// achieved GFLOP/s (6N + 12·L·d·T per token) and the ratio. PyTorch is skipped, with a note, where not installed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { AttentionImpl } from '../trainer/attention.js';
import { useBackend } from '../trainer/backend.js';
import { resolveModel } from '../trainer/config.js';
import { flopsPerToken, GPT, initParams } from '../trainer/model.js';
import { AdamW, clipByGlobalNorm } from '../trainer/optimizer.js';

const script = fileURLToPath(new URL('../../bench/gpt_torch.py', import.meta.url));
const SHAPE = { d: 128, L: 4, H: 4, T: 128, B: 8, V: 4096 };

function torchRate(threads: number, steps: number): { tps: number; version: string } | string {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const { d, L, H, T, B, V } = SHAPE;
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
    const r = spawnSync(py, [script, ...[d, L, H, T, B, V, threads, steps].map(String)], { encoding: 'utf8', env });
    if (r.status === 0) {
      const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { tokens_per_sec: number; torch: string };
      return { tps: j.tokens_per_sec, version: j.torch };
    }
    if (r.stderr && !/No module named 'torch'|ENOENT/.test(r.stderr)) return `PyTorch failed: ${r.stderr.trim().split('\n').pop()}`;
  }
  return 'PyTorch not installed (apt-get install python3-torch libopenblas0-pthread): skipped';
}

async function sluiceRate(steps: number, attention: AttentionImpl): Promise<number> {
  await useBackend('wasm');
  const { d, L, H, T, B, V } = SHAPE;
  const c = resolveModel({ dModel: d, nLayers: L, nHeads: H, contextLength: T }, V);
  const model = new GPT(c);
  model.attention = attention;
  let params = initParams(c, 1);
  const opt = new AdamW(params, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
  let seed = 7;
  const windows = () => Int32Array.from({ length: B * (T + 1) }, () => (seed = (seed * 1103515245 + 12345) >>> 0) % V);
  const step = () => {
    const w = windows();
    const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => model.loss(ps, w, B, T))(params);
    value.dataSync();
    value.dispose();
    const clipped = clipByGlobalNorm(grads, 1);
    params = opt.step(params, clipped.grads, 1e-3);
    for (const g of clipped.grads) g.dispose();
  };
  for (let i = 0; i < 2; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const tps = (steps * B * T) / ((performance.now() - t0) / 1000);
  for (const p of params) p.dispose();
  opt.dispose();
  return tps;
}

export async function benchGpt(): Promise<string> {
  const { d, L, H, T, B, V } = SHAPE;
  const fpt = flopsPerToken(resolveModel({ dModel: d, nLayers: L, nHeads: H, contextLength: T }, V), T);
  const gf = (tps: number) => ((tps * fpt) / 1e9).toFixed(1);
  const ours = await sluiceRate(10, 'blocks');
  const js = await sluiceRate(5, 'js');
  const tfOps = await sluiceRate(5, 'tf');
  const row = (name: string, tps: number, note = '') => `  ${name.padEnd(44)} ${Math.round(tps).toLocaleString('en-US').padStart(6)} tokens/s  ${gf(tps).padStart(5)} GFLOP/s${note}`;
  const lines = [`GPT training step, d ${d}, ${L} layers, ${H} heads, context ${T}, batch ${B}, vocab ${V} (${(fpt / 1e6).toFixed(1)} MFLOP per token)`];
  lines.push(row('sluice, TensorFlow.js wasm (1 thread)', ours));
  lines.push(row('  with the JS attention kernel (cpu backend)', js, `   default / this = ${(ours / js).toFixed(2)}`));
  lines.push(row('  with TF.js-ops attention (GPU backends)', tfOps, `   default / this = ${(ours / tfOps).toFixed(2)}`));
  for (const threads of [1, 2]) {
    const r = torchRate(threads, 20);
    if (typeof r === 'string') {
      lines.push(`  ${r}`);
      break;
    }
    lines.push(row(`PyTorch ${r.version} CPU, OpenBLAS (${threads} thread${threads > 1 ? 's' : ''})`, r.tps, `   sluice / PyTorch = ${(ours / r.tps).toFixed(2)}`));
  }
  return lines.join('\n');
}
