// AdamW as in PyTorch (decoupled decay: p <- p(1 - lr·wd), then the Adam step), decay on 2-D weights only,
// plus the warmup + cosine schedule and global-norm clipping, over the kernels interface (moments live beside
// the parameters in the kernel set's memory and are saved by name).
import type { Buf, Kernels } from './kernels/kernels.js';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export class AdamW<B extends Buf = Buf> {
  /** First and second moments, one per parameter, in parameter order. */
  readonly m: B[];
  readonly v: B[];
  /** Optimizer steps taken (bias correction uses it). */
  t = 0;
  private readonly decay: boolean[];

  constructor(
    private readonly k: Kernels<B>,
    shapes: number[][],
    private readonly o: AdamWOptions,
  ) {
    const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
    this.m = shapes.map((s) => k.alloc(n(s)));
    this.v = shapes.map((s) => k.alloc(n(s)));
    this.decay = shapes.map((s) => s.length === 2);
  }

  /** Restores moments (checkpoint) in parameter order. */
  load(m: Float32Array[], v: Float32Array[], t: number): void {
    m.forEach((x, i) => this.k.write(this.m[i], x));
    v.forEach((x, i) => this.k.write(this.v[i], x));
    this.t = t;
  }

  /** One step over the parameters in place; gradients are multiplied by gradScale (clipping) first. */
  step(params: B[], grads: B[], lr: number, gradScale = 1): void {
    this.t += 1;
    this.k.adamw(params, grads, this.m, this.v, this.decay, { ...this.o, lr, t: this.t, gradScale });
  }
}

/** Linear warmup to `lr`, then cosine decay to lr·minRatio at `steps`. `step` counts from 0. */
export function learningRate(step: number, o: { lr: number; warmupSteps: number; steps: number; minLrRatio: number }): number {
  if (step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  const min = o.lr * o.minLrRatio;
  if (step >= o.steps) return min;
  const progress = (step - o.warmupSteps) / Math.max(1, o.steps - o.warmupSteps);
  return min + 0.5 * (o.lr - min) * (1 + Math.cos(Math.PI * progress));
}

/** The global L2 norm of the gradients and the factor that clips it to maxNorm (1 when under it, or maxNorm 0). */
export function clipFactor<B extends Buf>(k: Kernels<B>, grads: B[], maxNorm: number): { norm: number; scale: number } {
  const norm = Math.sqrt(k.sumSquares(grads));
  return { norm, scale: maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1 };
}
