// Trainer benchmark: optimizer steps of the same GPT in sluice (CPU kernel set, 1 and 2 threads) and in PyTorch
// (Debian's python3-torch, CPU, 1 and 2 threads) on this machine, for two shapes: tokens/s, achieved GFLOP/s
// (6N + 12·L·d·T per token) and the ratio to PyTorch's best; then where a sluice step goes, by kernel.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { prng } from '../datasets/prng.js';
import { resolveModel, type ModelConfig } from '../trainer/config.js';
import { CpuKernels } from '../trainer/kernels/cpu/cpuKernels.js';
import type { Kernels } from '../trainer/kernels/kernels.js';
import { openKernels } from '../trainer/kernels/select.js';
import { flopsPerToken, GPT, initParams, paramSpecs } from '../trainer/model.js';
import { AdamW, clipFactor } from '../trainer/optimizer.js';

const script = fileURLToPath(new URL('../../bench/gpt_torch.py', import.meta.url));
interface Shape {
  d: number;
  L: number;
  H: number;
  T: number;
  B: number;
  V: number;
}
const SHAPES: Shape[] = [
  { d: 128, L: 4, H: 4, T: 128, B: 8, V: 4096 },
  { d: 256, L: 6, H: 8, T: 256, B: 8, V: 8192 },
];

function torchRate(s: Shape, threads: number, steps: number): { tps: number; version: string } | string {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
    const r = spawnSync(py, [script, ...[s.d, s.L, s.H, s.T, s.B, s.V, threads, steps].map(String)], { encoding: 'utf8', env });
    if (r.status === 0) {
      const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { tokens_per_sec: number; torch: string };
      return { tps: j.tokens_per_sec, version: j.torch };
    }
    if (r.stderr && !/No module named 'torch'|ENOENT/.test(r.stderr)) return `PyTorch failed: ${r.stderr.trim().split('\n').pop()}`;
  }
  return 'PyTorch not installed (apt-get install python3-torch libopenblas0-pthread): skipped';
}

/** Wraps a kernel set so every call's wall time is summed by kernel name (calls are synchronous). */
function profiled(k: Kernels): { k: Kernels; times: Map<string, number> } {
  const times = new Map<string, number>();
  const proxy = new Proxy(k, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv) as unknown;
      if (typeof v !== 'function' || prop === 'alloc' || prop === 'describe') return v;
      return (...args: unknown[]) => {
        const t0 = performance.now();
        const r = (v as (...a: unknown[]) => unknown).apply(target, args);
        times.set(String(prop), (times.get(String(prop)) ?? 0) + performance.now() - t0);
        return r;
      };
    },
  });
  return { k: proxy, times };
}

function config(s: Shape): ModelConfig {
  return resolveModel({ dModel: s.d, nLayers: s.L, nHeads: s.H, contextLength: s.T }, s.V);
}

/** tokens/s over `steps` steps after 2 warm-up steps, random tokens, clipping and AdamW as in training. */
export function sluiceRate(k: Kernels, s: Shape, steps: number, beforeTimed?: () => void): number {
  const c = config(s);
  const model = new GPT(c, k, initParams(c, 1));
  const opt = new AdamW(k, paramSpecs(c).map((p) => p.shape), { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
  const r = prng(7);
  const step = () => {
    const w = Int32Array.from({ length: s.B * (s.T + 1) }, () => Math.floor(r() * s.V));
    model.zeroGrad();
    model.forward(w, s.B, s.T, { gradScale: 1 });
    model.backward();
    const { scale } = clipFactor(k, model.grads, 1);
    opt.step(model.params, model.grads, 1e-3, scale);
  };
  for (let i = 0; i < 2; i++) step();
  beforeTimed?.();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  return (steps * s.B * s.T) / ((performance.now() - t0) / 1000);
}

export async function benchGpt(): Promise<string> {
  const lines: string[] = [];
  for (const s of SHAPES) {
    const fpt = flopsPerToken(config(s), s.T);
    const gf = (tps: number) => ((tps * fpt) / 1e9).toFixed(1);
    const steps = s.d > 128 ? 4 : 10;
    const rows: [string, number][] = [];
    let best = 0;
    lines.push(`GPT training step, d ${s.d}, ${s.L} layers, ${s.H} heads, context ${s.T}, batch ${s.B}, vocab ${s.V} (${(fpt / 1e6).toFixed(1)} MFLOP per token)`);
    for (const threads of [1, 2]) {
      const r = torchRate(s, threads, steps * 2);
      if (typeof r === 'string') {
        lines.push(`  ${r}`);
        break;
      }
      rows.push([`PyTorch ${r.version} CPU, OpenBLAS (${threads} thread${threads > 1 ? 's' : ''})`, r.tps]);
      best = Math.max(best, r.tps);
    }
    let kernels = '';
    for (const [threads, noRelaxedSimd] of [[1, false], [2, false], [2, true]] as const) {
      const k = await CpuKernels.create({ threads, noRelaxedSimd });
      kernels = k.describe();
      rows.push([`sluice ${kernels}`, sluiceRate(k as unknown as Kernels, s, steps)]);
      await k.dispose();
    }
    if (s.d === 128) {
      try {
        const k = await openKernels('tfjs-wasm');
        rows.push([`sluice, the same model on the ${k.describe()} kernel set`, sluiceRate(k, s, 2)]);
        await k.dispose();
      } catch (e) {
        lines.push(`  TF.js wasm kernel set: ${(e as Error).message}`);
      }
    }
    for (const [name, tps] of rows) {
      const ratio = best > 0 && name.startsWith('sluice') ? `   / PyTorch best = ${(tps / best).toFixed(2)}` : '';
      lines.push(`  ${name.padEnd(58)} ${Math.round(tps).toLocaleString('en-US').padStart(7)} tokens/s  ${gf(tps).padStart(6)} GFLOP/s${ratio}`);
    }
    // where a step goes, at 2 threads
    const k = await CpuKernels.create({ threads: 2 });
    kernels = k.describe();
    const p = profiled(k as unknown as Kernels);
    let t0 = 0;
    sluiceRate(p.k, s, 4, () => {
      p.times.clear();
      t0 = performance.now();
    });
    const total = performance.now() - t0;
    const parts = [...p.times].sort((a, b) => b[1] - a[1]);
    const inKernels = parts.reduce((a, [, t]) => a + t, 0);
    lines.push(`  where 4 steps go (${kernels}; ${total.toFixed(0)} ms, ${((100 * inKernels) / total).toFixed(0)}% in kernels): ` + parts.slice(0, 9).map(([n, t]) => `${n} ${((100 * t) / total).toFixed(0)}%`).join(', '));
    await k.dispose();
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}
