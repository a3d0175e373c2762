// AdamW as in PyTorch (decoupled decay: p <- p(1 - lr·wd), then the Adam step), decay on 2-D weights only,
// plus the warmup + cosine schedule and global-norm clipping. State is plain tensors, saved by name.
import * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export class AdamW {
  /** First and second moments, one per parameter, in parameter order. */
  m: tf.Tensor[];
  v: tf.Tensor[];
  /** Optimizer steps taken (bias correction uses it). */
  t = 0;

  constructor(params: tf.Tensor[], private readonly o: AdamWOptions) {
    this.m = params.map((p) => tf.zerosLike(p));
    this.v = params.map((p) => tf.zerosLike(p));
  }

  /** One step with gradients already clipped; returns the new parameters (the old ones are disposed). */
  step(params: tf.Tensor[], grads: tf.Tensor[], lr: number): tf.Tensor[] {
    this.t += 1;
    const { beta1, beta2, eps, weightDecay } = this.o;
    const bc1 = 1 - Math.pow(beta1, this.t);
    const bc2 = 1 - Math.pow(beta2, this.t);
    const out = params.map((p, i) => {
      const [np, nm, nv] = tf.tidy(() => {
        const g = grads[i];
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.mul(g, g), 1 - beta2));
        const decayed = p.rank === 2 && weightDecay > 0 ? tf.mul(p, 1 - lr * weightDecay) : p;
        // p - lr * (m / bc1) / (sqrt(v / bc2) + eps), in PyTorch's order of operations
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), eps);
        return [tf.sub(decayed, tf.mul(tf.div(m, denom), lr / bc1)), m, v];
      });
      this.m[i].dispose();
      this.v[i].dispose();
      this.m[i] = nm;
      this.v[i] = nv;
      p.dispose();
      return np;
    });
    return out;
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
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

/** Scales grads so their global L2 norm is at most maxNorm (0: no clipping); returns the norm before clipping. */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: number } {
  const norm = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.mul(g, g))))).dataSync()[0]);
  if (!(maxNorm > 0) || norm <= maxNorm) return { grads, norm };
  const scale = maxNorm / (norm + 1e-6);
  const clipped = grads.map((g) => {
    const c = tf.mul(g, scale);
    g.dispose();
    return c;
  });
  return { grads: clipped, norm };
}
