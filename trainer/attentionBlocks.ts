// Attention on wasm as plain 2-D products: for each sequence b, all H heads at once against block-diagonal
// matrices (head h's keys in rows h·hd.., columns h·T..), so one [T, d] @ [d, H·T] product gives every head's
// scores. That wastes (H-1)/H of the multiply-adds but runs at wasm's 2-D matmul rate (17-19 GFLOP/s, against
// 0.3-0.4 GMAC/s for scalar JS and 1.7 GFLOP/s for batched matMul). Softmax, mask and dropout stay in JS.
import * as tf from '@tensorflow/tfjs';
import { prng } from '../datasets/prng.js';
import { placeQKGrads, queriesAndKeys, type AttentionShape } from './attentionCommon.js';

/** a [M, K] @ b [K, N] from JS arrays; the product read back into JS. */
function mm(a: Float32Array, M: number, K: number, b: Float32Array, N: number): Float32Array {
  const ta = tf.tensor2d(a, [M, K]);
  const tb = tf.tensor2d(b, [K, N]);
  const tc = tf.matMul(ta, tb);
  const out = tc.dataSync() as Float32Array;
  ta.dispose();
  tb.dispose();
  tc.dispose();
  return out;
}

/** Rows of sequence b, columns [off, off + d), as [T, d]. */
function rows(x: Float32Array, stride: number, off: number, b: number, T: number, d: number): Float32Array {
  const out = new Float32Array(T * d);
  for (let t = 0; t < T; t++) out.set(x.subarray((b * T + t) * stride + off, (b * T + t) * stride + off + d), t * d);
  return out;
}

/** Block-diagonal [H·T, d]: block h holds head h's rows [T, hd] of sequence b. */
function blocks(x: Float32Array, stride: number, off: number, b: number, T: number, H: number, hd: number): Float32Array {
  const d = H * hd;
  const out = new Float32Array(H * T * d);
  for (let h = 0; h < H; h++)
    for (let j = 0; j < T; j++) {
      const src = (b * T + j) * stride + off + h * hd;
      out.set(x.subarray(src, src + hd), (h * T + j) * d + h * hd);
    }
  return out;
}

/** The transpose of `blocks`: [d, H·T]. */
function blocksT(x: Float32Array, stride: number, off: number, b: number, T: number, H: number, hd: number): Float32Array {
  const HT = H * T;
  const out = new Float32Array(H * hd * HT);
  for (let h = 0; h < H; h++)
    for (let j = 0; j < T; j++) {
      const src = (b * T + j) * stride + off + h * hd;
      for (let e = 0; e < hd; e++) out[(h * hd + e) * HT + h * T + j] = x[src + e];
    }
  return out;
}

/** [T, H·T] -> [H·T, T]. */
function transpose(x: Float32Array, R: number, C: number): Float32Array {
  const out = new Float32Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c * R + r] = x[r * C + c];
  return out;
}

/** Adds the diagonal blocks of m [H·T, d] into columns [off + h·hd ..) of sequence b's rows of dst. */
function addDiagonal(m: Float32Array, dst: Float32Array, stride: number, off: number, b: number, T: number, H: number, hd: number): void {
  const d = H * hd;
  for (let h = 0; h < H; h++)
    for (let j = 0; j < T; j++) {
      const o = (b * T + j) * stride + off + h * hd;
      const i = (h * T + j) * d + h * hd;
      for (let e = 0; e < hd; e++) dst[o + e] += m[i + e];
    }
}

export function attentionBlocks(qkv: tf.Tensor, s: AttentionShape): tf.Tensor2D {
  const { B, T, H, hd } = s;
  const d = H * hd;
  const HT = H * T;
  const scale = 1 / Math.sqrt(hd);
  const keep = s.seed !== undefined && s.dropout > 0 ? 1 - s.dropout : 1;
  const f = tf.customGrad(((qkvT: tf.Tensor) => {
    const src = Float32Array.from(qkvT.dataSync() as Float32Array); // [B*T, 3d]
    const qk = queriesAndKeys(src, s);
    // Per sequence b, [T, H·T]: probabilities P (row i, column h·T + j; zero for j > i) and after dropout Pd.
    const P: Float32Array[] = [];
    const Pd: Float32Array[] = [];
    const rand = keep < 1 ? prng(s.seed!) : null;
    const y = new Float32Array(B * T * d);
    for (let b = 0; b < B; b++) {
      const S = mm(rows(qk.q, qk.stride, qk.qOff, b, T, d), T, d, blocksT(qk.k, qk.stride, qk.kOff, b, T, H, hd), HT); // [T, H·T]
      const p = new Float32Array(T * HT);
      const pd = keep < 1 ? new Float32Array(T * HT) : p;
      for (let h = 0; h < H; h++)
        for (let i = 0; i < T; i++) {
          const row = i * HT + h * T;
          let max = -Infinity;
          for (let j = 0; j <= i; j++) if (S[row + j] > max) max = S[row + j];
          let sum = 0;
          for (let j = 0; j <= i; j++) {
            const e = Math.exp((S[row + j] - max) * scale);
            p[row + j] = e;
            sum += e;
          }
          for (let j = 0; j <= i; j++) {
            p[row + j] /= sum;
            if (rand) pd[row + j] = rand() < keep ? p[row + j] / keep : 0; // the JS kernel's draw order: b, h, i, j
          }
        }
      P.push(p);
      Pd.push(pd);
      y.set(mm(pd, T, HT, blocks(src, 3 * d, 2 * d, b, T, H, hd), d), b * T * d); // [T, H·T] @ [H·T, d] = merged heads
    }
    return {
      value: tf.tensor2d(y, [B * T, d]),
      gradFunc: (dyT: tf.Tensor) => {
        const dy = dyT.dataSync() as Float32Array; // [B*T, d]
        const dq = new Float32Array(B * T * d);
        const dk = new Float32Array(B * T * d);
        const dqkv = new Float32Array(B * T * 3 * d);
        for (let b = 0; b < B; b++) {
          const p = P[b];
          const pd = Pd[b];
          const dyb = rows(dy, d, 0, b, T, d);
          const dPd = mm(dyb, T, d, blocksT(src, 3 * d, 2 * d, b, T, H, hd), HT); // dy @ V^T per head: [T, H·T]
          addDiagonal(mm(transpose(pd, T, HT), HT, T, dyb, d), dqkv, 3 * d, 2 * d, b, T, H, hd); // dV = Pd^T @ dy
          const dS = new Float32Array(T * HT);
          for (let h = 0; h < H; h++)
            for (let i = 0; i < T; i++) {
              const row = i * HT + h * T;
              let acc = 0;
              for (let j = 0; j <= i; j++) {
                const g = keep < 1 ? (pd[row + j] === 0 ? 0 : dPd[row + j] / keep) : dPd[row + j]; // through dropout
                dS[row + j] = g;
                acc += p[row + j] * g;
              }
              for (let j = 0; j <= i; j++) dS[row + j] = p[row + j] * (dS[row + j] - acc) * scale; // softmax backward
            }
          dq.set(mm(dS, T, HT, blocks(qk.k, qk.stride, qk.kOff, b, T, H, hd), d), b * T * d); // dQ = dS @ K
          addDiagonal(mm(transpose(dS, T, HT), HT, T, rows(qk.q, qk.stride, qk.qOff, b, T, d), d), dk, d, 0, b, T, H, hd); // dK = dS^T @ Q
        }
        placeQKGrads(dq, dk, dqkv, s);
        return tf.tensor2d(dqkv, [B * T, 3 * d]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(qkv) as tf.Tensor2D;
}
