// WebGPU benchmark, per adapter: matrix products at the model's shapes (GFLOP/s), attention forward and backward
// (ms per layer), and training tokens/s with achieved TFLOP/s, beside the CPU kernel set in the same run. On a CPU
// Vulkan driver (lavapipe) only the small shape runs: those figures check the path, they say nothing of GPUs.
import { prng } from '../datasets/prng.js';
import { resolveModel, type ModelConfig } from '../trainer/config.js';
import { CpuKernels } from '../trainer/kernels/cpu/cpuKernels.js';
import type { Buf, Kernels } from '../trainer/kernels/kernels.js';
import { WebgpuKernels } from '../trainer/kernels/webgpu/webgpuKernels.js';
import { flopsPerToken } from '../trainer/model.js';
import { sluiceRate } from './gpt.js';

interface Shape {
  name: string;
  d: number;
  L: number;
  H: number;
  T: number;
  B: number;
  V: number;
  /** Too big for a CPU driver or for the CPU set's wasm memory. */
  gpuOnly: boolean;
}
const SHAPES: Shape[] = [
  { name: 'd 256, 6 layers, 8 heads, context 256, batch 8, vocab 8192', d: 256, L: 6, H: 8, T: 256, B: 8, V: 8192, gpuOnly: false },
  { name: 'GPT-2 small: d 768, 12 layers, 12 heads, context 1024, batch 8, vocab 50257', d: 768, L: 12, H: 12, T: 1024, B: 8, V: 50257, gpuOnly: true },
];

const config = (s: Shape): ModelConfig => resolveModel({ dModel: s.d, nLayers: s.L, nHeads: s.H, contextLength: s.T }, s.V);

function filled(k: Kernels, n: number, seed: number): Buf {
  const r = prng(seed);
  const b = k.alloc(n);
  k.write(b, Float32Array.from({ length: n }, () => r() - 0.5));
  return b;
}

/** ms per call of fn: `reps` calls then one read, which waits for the device. */
function time(k: Kernels, probe: Buf, fn: () => void, reps: number): number {
  fn();
  k.read(probe, 0, 1);
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  k.read(probe, 0, 1);
  return (performance.now() - t0) / reps;
}

function kernelFigures(k: Kernels, s: Shape, reps: number): string[] {
  const N = s.B * s.T;
  const hd = s.d / s.H;
  const x = filled(k, N * 4 * s.d, 1);
  const w = filled(k, 4 * s.d * Math.max(4 * s.d, s.V), 2);
  const out = k.alloc(N * Math.max(4 * s.d, s.V));
  const rows: string[] = [];
  const products: [string, number, number, number, () => void][] = [
    ['qkv      x[N,d] @ W[d,3d]', N, s.d, 3 * s.d, () => k.matmul(out, x, w, null, N, s.d, 3 * s.d, false)],
    ['fc       x[N,d] @ W[d,4d]', N, s.d, 4 * s.d, () => k.matmul(out, x, w, null, N, s.d, 4 * s.d, false)],
    ['proj     x[N,4d] @ W[4d,d]', N, 4 * s.d, s.d, () => k.matmul(out, x, w, null, N, 4 * s.d, s.d, false)],
    ['head     h[N,d] @ wte[V,d]^T', N, s.d, s.V, () => k.matmulNT(out, x, w, N, s.d, s.V, false)],
    ['dx       dy[N,4d] @ W[d,4d]^T', N, 4 * s.d, s.d, () => k.matmulNT(out, x, w, N, 4 * s.d, s.d, false)],
    ['dW       x[N,d]^T @ dy[N,4d]', s.d, N, 4 * s.d, () => k.matmulTN(out, x, w, N, s.d, 4 * s.d, true)],
  ];
  for (const [name, R, K, C, fn] of products) {
    const ms = time(k, out, fn, reps);
    rows.push(`    matmul ${name.padEnd(30)} ${ms.toFixed(2).padStart(8)} ms  ${((2 * R * K * C) / ms / 1e6).toFixed(1).padStart(8)} GFLOP/s`);
  }
  const qkv = filled(k, N * 3 * s.d, 3);
  const probs = k.alloc(k.attentionStateSize?.(s.B, s.T, s.H, hd) ?? s.B * s.H * s.T * s.T);
  const atty = k.alloc(N * s.d);
  const dqkv = k.alloc(N * 3 * s.d);
  const fwd = time(k, atty, () => k.attention(atty, probs, qkv, s.B, s.T, s.H, hd, null), reps);
  const bwd = time(k, dqkv, () => k.attentionBackward(dqkv, x, qkv, probs, s.B, s.T, s.H, hd, null), reps);
  rows.push(`    attention (one layer, ${s.H} heads of ${hd}): forward ${fwd.toFixed(2)} ms, backward ${bwd.toFixed(2)} ms`);
  return rows;
}

export async function benchWebgpu(): Promise<string> {
  let gpu: WebgpuKernels;
  try {
    gpu = await WebgpuKernels.create();
  } catch (e) {
    return `WebGPU: skipped: ${(e as Error).message.split('\n').slice(0, 2).join(' ')}`;
  }
  const cpuDriver = /CPU driver/.test(gpu.describe());
  const lines = [`WebGPU kernel set: ${gpu.describe()}`];
  try {
    for (const s of SHAPES) {
      const fpt = flopsPerToken(config(s), s.T);
      lines.push(`  ${s.name} (${(fpt / 1e9).toFixed(2)} GFLOP per token)`);
      if (s.gpuOnly && cpuDriver) {
        lines.push('    skipped on a CPU Vulkan driver (hours per step): run it where a GPU answers');
        continue;
      }
      lines.push(...kernelFigures(gpu as unknown as Kernels, s, cpuDriver ? 1 : 10));
      const steps = cpuDriver ? 1 : 10;
      const g = sluiceRate(gpu as unknown as Kernels, s, steps);
      lines.push(`    training, webgpu: ${Math.round(g).toLocaleString('en-US')} tokens/s, ${((g * fpt) / 1e12).toFixed(3)} TFLOP/s`);
      if (!s.gpuOnly) {
        const cpu = await CpuKernels.create({});
        const c = sluiceRate(cpu as unknown as Kernels, s, 3);
        lines.push(`    training, ${cpu.describe()}: ${Math.round(c).toLocaleString('en-US')} tokens/s, ${((c * fpt) / 1e12).toFixed(3)} TFLOP/s;  webgpu / cpu = ${(g / c).toFixed(2)}`);
        await cpu.dispose();
      } else lines.push('    (the CPU kernel set cannot hold this model in 32-bit wasm memory: no CPU figure)');
    }
  } finally {
    await gpu.dispose();
  }
  return lines.join('\n');
}
