// Causal multi-head attention from the fused qkv projection [B*T, 3d] to the merged heads [B*T, d].
// Three implementations of the same maths: a JS kernel over the qkv rows (skips the masked half; no transposes,
// slices or batched matmuls, which are 10-40x slower than 2-D products on wasm), block-diagonal 2-D products
// (attentionBlocks.ts, the fastest on wasm), and plain TensorFlow.js ops for GPU backends. All three apply RoPE
// and attention dropout the same way.
import * as tf from '@tensorflow/tfjs';
import { prng } from '../datasets/prng.js';
import { attentionBlocks } from './attentionBlocks.js';
import { queriesAndKeys, placeQKGrads, ropeTable, type AttentionShape } from './attentionCommon.js';
import { bmm } from './ops.js';

export type { AttentionShape } from './attentionCommon.js';

/** Copies head h of batch row b ([T, hd] at column `off`, row stride `stride`) into out. */
function gatherHead(src: Float32Array, stride: number, off: number, b: number, T: number, hd: number, out: Float32Array): void {
  for (let t = 0; t < T; t++) {
    const o = (b * T + t) * stride + off;
    out.set(src.subarray(o, o + hd), t * hd);
  }
}

/** Adds [T, hd] into column `off` of dst (row stride `stride`). */
function scatterHead(src: Float32Array, dst: Float32Array, stride: number, off: number, b: number, T: number, hd: number): void {
  for (let t = 0; t < T; t++) {
    const o = (b * T + t) * stride + off;
    for (let e = 0; e < hd; e++) dst[o + e] += src[t * hd + e];
  }
}

function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, n: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let e = 0;
  for (; e + 3 < n; e += 4) {
    a0 += a[ai + e] * b[bi + e];
    a1 += a[ai + e + 1] * b[bi + e + 1];
    a2 += a[ai + e + 2] * b[bi + e + 2];
    a3 += a[ai + e + 3] * b[bi + e + 3];
  }
  for (; e < n; e++) a0 += a[ai + e] * b[bi + e];
  return a0 + a1 + a2 + a3;
}

/** out[oi..oi+n) += s * a[ai..ai+n) */
function axpy(s: number, a: Float32Array, ai: number, out: Float32Array, oi: number, n: number): void {
  for (let e = 0; e < n; e++) out[oi + e] += s * a[ai + e];
}

/** Attention on wasm/cpu: a JS kernel with a custom gradient; per (batch, head) the rows are copied contiguous. */
function attentionJs(qkv: tf.Tensor, s: AttentionShape): tf.Tensor2D {
  const { B, T, H, hd } = s;
  const d = H * hd;
  const scale = 1 / Math.sqrt(hd);
  const TT = T * T;
  const keep = s.seed !== undefined && s.dropout > 0 ? 1 - s.dropout : 1;
  const f = tf.customGrad(((qkvT: tf.Tensor) => {
    const src = Float32Array.from(qkvT.dataSync() as Float32Array); // [B*T, 3d]: row = [q heads | k heads | v heads]
    const qk = queriesAndKeys(src, s);
    const P = new Float32Array(B * H * TT); // softmax probabilities, lower triangle
    const Pd = keep < 1 ? new Float32Array(B * H * TT) : P; // after dropout (scaled by 1/keep)
    const rand = keep < 1 ? prng(s.seed!) : null;
    const y = new Float32Array(B * T * d);
    const qh = new Float32Array(T * hd);
    const kh = new Float32Array(T * hd);
    const vh = new Float32Array(T * hd);
    const yh = new Float32Array(T * hd);
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) {
        gatherHead(qk.q, qk.stride, qk.qOff + h * hd, b, T, hd, qh);
        gatherHead(qk.k, qk.stride, qk.kOff + h * hd, b, T, hd, kh);
        gatherHead(src, 3 * d, 2 * d + h * hd, b, T, hd, vh);
        yh.fill(0);
        const pBase = (b * H + h) * TT;
        for (let i = 0; i < T; i++) {
          const row = pBase + i * T;
          let max = -Infinity;
          for (let j = 0; j <= i; j++) {
            const v = dot(qh, i * hd, kh, j * hd, hd) * scale;
            P[row + j] = v;
            if (v > max) max = v;
          }
          let sum = 0;
          for (let j = 0; j <= i; j++) {
            const e = Math.exp(P[row + j] - max);
            P[row + j] = e;
            sum += e;
          }
          const inv = 1 / sum;
          for (let j = 0; j <= i; j++) {
            const p = P[row + j] * inv;
            P[row + j] = p;
            let pd = p;
            if (rand) {
              pd = rand() < keep ? p / keep : 0;
              Pd[row + j] = pd;
            }
            if (pd !== 0) axpy(pd, vh, j * hd, yh, i * hd, hd);
          }
        }
        scatterHead(yh, y, d, h * hd, b, T, hd);
      }
    return {
      value: tf.tensor2d(y, [B * T, d]),
      gradFunc: (dyT: tf.Tensor) => {
        const dy = dyT.dataSync() as Float32Array; // [B*T, d]
        const dq = new Float32Array(B * T * d);
        const dk = new Float32Array(B * T * d);
        const dqkv = new Float32Array(B * T * 3 * d);
        const dyh = new Float32Array(T * hd);
        const dqh = new Float32Array(T * hd);
        const dkh = new Float32Array(T * hd);
        const dvh = new Float32Array(T * hd);
        const dP = new Float32Array(T);
        for (let b = 0; b < B; b++)
          for (let h = 0; h < H; h++) {
            gatherHead(qk.q, qk.stride, qk.qOff + h * hd, b, T, hd, qh);
            gatherHead(qk.k, qk.stride, qk.kOff + h * hd, b, T, hd, kh);
            gatherHead(src, 3 * d, 2 * d + h * hd, b, T, hd, vh);
            gatherHead(dy, d, h * hd, b, T, hd, dyh);
            dqh.fill(0);
            dkh.fill(0);
            dvh.fill(0);
            const pBase = (b * H + h) * TT;
            for (let i = 0; i < T; i++) {
              const row = pBase + i * T;
              let acc = 0;
              for (let j = 0; j <= i; j++) {
                const pd = Pd[row + j];
                if (pd !== 0) axpy(pd, dyh, i * hd, dvh, j * hd, hd); // dv_j += Pd_ij dy_i
                // dPd_ij = dy_i . v_j; through dropout dP = dPd * mask / keep
                const g = pd === 0 && keep < 1 ? 0 : dot(dyh, i * hd, vh, j * hd, hd) / keep;
                dP[j] = g;
                acc += P[row + j] * g;
              }
              for (let j = 0; j <= i; j++) {
                const ds = P[row + j] * (dP[j] - acc) * scale; // softmax backward, then the 1/sqrt(hd) scale
                if (ds === 0) continue;
                axpy(ds, kh, j * hd, dqh, i * hd, hd);
                axpy(ds, qh, i * hd, dkh, j * hd, hd);
              }
            }
            scatterHead(dqh, dq, d, h * hd, b, T, hd);
            scatterHead(dkh, dk, d, h * hd, b, T, hd);
            scatterHead(dvh, dqkv, 3 * d, 2 * d + h * hd, b, T, hd);
          }
        placeQKGrads(dq, dk, dqkv, s);
        return tf.tensor2d(dqkv, [B * T, 3 * d]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(qkv) as tf.Tensor2D;
}

/** Attention with TensorFlow.js ops (GPU backends): batched products, additive causal mask, softmax. */
function attentionTf(qkv: tf.Tensor, s: AttentionShape): tf.Tensor2D {
  const { B, T, H, hd } = s;
  const d = H * hd;
  // [B*T, 3d] -> [B, T, 3, H, hd] -> [3, B, H, T, hd] -> 3 x [B*H, T, hd]
  const parts = tf.reshape(tf.transpose(tf.reshape(qkv, [B, T, 3, H, hd]), [2, 0, 3, 1, 4]), [3, B * H, T, hd]);
  let [q, k, v] = tf.split(parts, 3, 0).map((t) => tf.reshape(t, [B * H, T, hd]));
  if (s.ropeBase !== undefined) {
    const { cos, sin } = ropeTable(T, hd, s.ropeBase);
    const half = hd / 2;
    const c = tf.tensor2d(cos, [T, half]);
    const sn = tf.tensor2d(sin, [T, half]);
    const rot = (x: tf.Tensor) => {
      const [x1, x2] = tf.split(x, 2, 2);
      return tf.concat([tf.sub(tf.mul(x1, c), tf.mul(x2, sn)), tf.add(tf.mul(x2, c), tf.mul(x1, sn))], 2);
    };
    q = rot(q);
    k = rot(k);
  }
  const mask = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) mask[i * T + j] = -1e9;
  const scores = tf.add(tf.mul(bmm(q, tf.transpose(k, [0, 2, 1])), 1 / Math.sqrt(hd)), tf.tensor2d(mask, [T, T])); // [B*H, T, T]
  let att: tf.Tensor = tf.softmax(scores);
  if (s.seed !== undefined && s.dropout > 0) {
    // the same mask as the JS kernel: one draw per (b, h, i, j <= i) in that order
    const rand = prng(s.seed);
    const keep = 1 - s.dropout;
    const m = new Float32Array(B * H * T * T);
    for (let bh = 0; bh < B * H; bh++) for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) m[bh * T * T + i * T + j] = rand() < keep ? 1 / keep : 0;
    att = tf.mul(att, tf.tensor3d(m, [B * H, T, T]));
  }
  const y = bmm(att, v); // [B*H, T, hd]
  // [B*H, T, hd] -> [B, H, T, hd] -> [B, T, H, hd] -> [B*T, d]
  return tf.reshape(tf.transpose(tf.reshape(y, [B, H, T, hd]), [0, 2, 1, 3]), [B * T, d]);
}

export type AttentionImpl = 'js' | 'blocks' | 'tf';

/** The implementation for the active backend: block-diagonal 2-D products on wasm, the JS kernel on cpu (whose
 * matmul is no faster than JS), TF.js ops on GPU backends. */
export function defaultAttentionImpl(): AttentionImpl {
  const b = tf.getBackend();
  return b === 'wasm' ? 'blocks' : b === 'cpu' ? 'js' : 'tf';
}

export function causalAttention(qkv: tf.Tensor, s: AttentionShape, impl: AttentionImpl = defaultAttentionImpl()): tf.Tensor2D {
  return impl === 'js' ? attentionJs(qkv, s) : impl === 'blocks' ? attentionBlocks(qkv, s) : attentionTf(qkv, s);
}
