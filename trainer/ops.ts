// The model's building blocks with hand-written gradients, so every matmul, forward and backward, is a plain 2-D
// product without transpose flags (the fast path on wasm; on wasm batched and flagged products are ~10x slower),
// and so ops whose default gradient is missing (gather on wasm) or slow (logSumExp, pow) have one that is not.
import * as tf from '@tensorflow/tfjs';
import { hasKernel, splitBatchedMatMul } from './backend.js';

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
// customGrad's typing wants one function shape; every op below passes tensors and a save function.
type AnyCustom = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => { value: tf.Tensor; gradFunc: Grad };
function custom<F extends (...a: tf.Tensor[]) => tf.Tensor>(f: AnyCustom): F {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as F;
}

/** x [N, in] @ w [in, out] -> [N, out]; gradients dx = dy @ w^T, dw = x^T @ dy with explicit transposes. */
export const matmul2d = custom<(x: tf.Tensor, w: tf.Tensor) => tf.Tensor2D>((x, w, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor, w as tf.Tensor]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy, [xs, ws]) => [tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy as tf.Tensor2D)],
  };
});

/** Linear layer: x [N, in] @ w [in, out] (+ b [out]). */
export function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor2D {
  const y = matmul2d(x, w);
  return b ? tf.add(y, b) : y;
}

/** Batched a [N, M, K] @ b [N, K, P] -> [N, M, P], as N plain 2-D products where batched ones are slow. */
function bmmRaw(a: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const [N, M, K] = a.shape;
  const P = b.shape[2]!;
  if (!splitBatchedMatMul() || N === 1) return tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D);
  const as = tf.split(tf.reshape(a, [N! * M!, K!]), N!, 0); // N x [M, K]
  const bs = tf.split(tf.reshape(b, [N! * K!, P]), N!, 0); // N x [K, P]
  return tf.reshape(tf.concat(as.map((x, i) => tf.matMul(x as tf.Tensor2D, bs[i] as tf.Tensor2D)), 0), [N!, M!, P]);
}

export const bmm = custom<(a: tf.Tensor, b: tf.Tensor) => tf.Tensor3D>((a, b, save) => {
  (save as tf.GradSaveFunc)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: bmmRaw(a as tf.Tensor, b as tf.Tensor),
    gradFunc: (dy, [as, bs]) => [bmmRaw(dy, tf.transpose(bs, [0, 2, 1])), bmmRaw(tf.transpose(as, [0, 2, 1]), dy)],
  };
});

/** Rows of w [V, d] at ids -> [N, d]; the gradient scatters rows back (in JS where the backend has no kernel for it). */
export function embedding(w: tf.Tensor, ids: Int32Array): tf.Tensor2D {
  const [V, d] = w.shape as [number, number];
  const idx = tf.tensor1d(ids, 'int32');
  const f = custom<(w: tf.Tensor) => tf.Tensor2D>((wt) => ({
    value: tf.gather(wt as tf.Tensor, idx),
    gradFunc: (dy) => {
      if (hasKernel('UnsortedSegmentSum')) return tf.unsortedSegmentSum(dy, idx, V);
      const g = dy.dataSync() as Float32Array;
      const out = new Float32Array(V * d);
      for (let n = 0; n < ids.length; n++) {
        const o = ids[n] * d;
        const s = n * d;
        for (let j = 0; j < d; j++) out[o + j] += g[s + j];
      }
      return tf.tensor2d(out, [V, d]);
    },
  }));
  return f(w);
}

const GELU_C = Math.sqrt(2 / Math.PI);
/** GELU, tanh approximation (GPT-2's "gelu_new"); x*x*x because pow is slow on wasm. */
export const gelu = custom<(x: tf.Tensor) => tf.Tensor>((x, save) => {
  const xs = x as tf.Tensor;
  const x2 = tf.mul(xs, xs);
  const t = tf.tanh(tf.mul(tf.add(xs, tf.mul(tf.mul(x2, xs), 0.044715)), GELU_C));
  (save as tf.GradSaveFunc)([xs, t]);
  return {
    value: tf.mul(tf.mul(xs, 0.5), tf.add(t, 1)),
    gradFunc: (dy, [x0, t0]) => {
      const sech2 = tf.sub(1, tf.mul(t0, t0));
      const du = tf.mul(tf.add(1, tf.mul(tf.mul(x0, x0), 3 * 0.044715)), GELU_C);
      return tf.mul(dy, tf.add(tf.mul(tf.add(t0, 1), 0.5), tf.mul(tf.mul(tf.mul(x0, 0.5), sech2), du)));
    },
  };
});

/** SiLU(g) * u, the SwiGLU gate. */
export function swiglu(gate: tf.Tensor, up: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(gate, tf.sigmoid(gate)), up);
}

/** LayerNorm over the last axis of x [N, d] with gain g [d] (bias added by the caller); one fused gradient. */
export function layerNorm(x: tf.Tensor, g: tf.Tensor, eps: number): tf.Tensor2D {
  const d = x.shape[1]!;
  const f = custom<(x: tf.Tensor, g: tf.Tensor) => tf.Tensor2D>((x, g, save) => {
    const mean = tf.mean(x as tf.Tensor, 1, true);
    const xc = tf.sub(x as tf.Tensor, mean);
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.mul(xc, xc), 1, true), eps)); // [N, 1]
    const xhat = tf.mul(xc, rstd);
    (save as tf.GradSaveFunc)([xhat, rstd, g as tf.Tensor]);
    return {
      value: tf.mul(xhat, g as tf.Tensor),
      gradFunc: (dy, [xh, rs, gs]) => {
        const dxh = tf.mul(dy, gs);
        // dx = rstd/d * (d*dxhat - sum(dxhat) - xhat*sum(dxhat*xhat))
        const a = tf.sum(dxh, 1, true);
        const b = tf.sum(tf.mul(dxh, xh), 1, true);
        const dx = tf.mul(tf.sub(tf.sub(tf.mul(dxh, d), a), tf.mul(xh, b)), tf.div(rs, d));
        return [dx, tf.sum(tf.mul(dy, xh), 0)];
      },
    };
  });
  return f(x, g);
}

/** RMSNorm over the last axis of x [N, d] with gain g [d]. */
export function rmsNorm(x: tf.Tensor, g: tf.Tensor, eps: number): tf.Tensor2D {
  const f = custom<(x: tf.Tensor, g: tf.Tensor) => tf.Tensor2D>((x, g, save) => {
    const r = tf.rsqrt(tf.add(tf.mean(tf.mul(x as tf.Tensor, x as tf.Tensor), 1, true), eps)); // [N, 1]
    const xhat = tf.mul(x as tf.Tensor, r);
    (save as tf.GradSaveFunc)([xhat, r, g as tf.Tensor]);
    return {
      value: tf.mul(xhat, g as tf.Tensor),
      gradFunc: (dy, [xh, rs, gs]) => {
        const dxh = tf.mul(dy, gs);
        const m = tf.mean(tf.mul(dxh, xh), 1, true);
        return [tf.mul(tf.sub(dxh, tf.mul(xh, m)), rs), tf.sum(tf.mul(dy, xh), 0)];
      },
    };
  });
  return f(x, g);
}

/**
 * Mean cross-entropy of the tied output head: logits = h [N, d] @ wte^T, targets [N]. Softmax and the
 * gradient (p - onehot) / N are computed once, fused; the [N, V] logits never get an autodiff tape.
 */
export function tiedHeadLoss(h: tf.Tensor, wte: tf.Tensor, targets: Int32Array): tf.Scalar {
  const [N] = h.shape as [number, number];
  const V = wte.shape[0]!;
  const f = custom<(h: tf.Tensor, w: tf.Tensor) => tf.Scalar>((h, w, save) => {
    const logits = tf.matMul(h as tf.Tensor2D, tf.transpose(w as tf.Tensor2D)); // [N, V]
    const m = tf.max(logits, 1, true);
    const e = tf.exp(tf.sub(logits, m));
    const s = tf.sum(e, 1, true);
    const lse = tf.reshape(tf.add(tf.log(s), m), [N]);
    const flat = new Int32Array(N);
    for (let n = 0; n < N; n++) flat[n] = n * V + targets[n];
    const picked = tf.gather(tf.reshape(logits, [N * V]), tf.tensor1d(flat, 'int32'));
    (save as tf.GradSaveFunc)([h as tf.Tensor, w as tf.Tensor, tf.div(e, s)]);
    return {
      value: tf.mean(tf.sub(lse, picked)) as tf.Scalar,
      gradFunc: (dy, [hs, ws, p]) => {
        const onehot = tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), V), 'float32'); // float oneHot is wrong on wasm
        const dl = tf.mul(tf.sub(p, onehot), tf.div(dy, N)); // [N, V]
        const dh = tf.matMul(dl as tf.Tensor2D, ws as tf.Tensor2D); // [N, V] @ [V, d]
        const dwT = tf.matMul(tf.transpose(hs as tf.Tensor2D), dl as tf.Tensor2D); // [d, N] @ [N, V]
        return [dh, tf.transpose(dwT)];
      },
    };
  });
  return f(h, wte);
}

/** Logits of the tied head for rows h [N, d] -> [N, V] (inference only). */
export function tiedHeadLogits(h: tf.Tensor, wte: tf.Tensor): tf.Tensor2D {
  return tf.matMul(h as tf.Tensor2D, tf.transpose(wte as tf.Tensor2D));
}
