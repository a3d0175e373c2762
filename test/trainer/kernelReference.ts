// A plain float64 implementation of every kernel in trainer/kernels/kernels.ts (loops only), for the conformance suite.
// Arguments mean what the kernel's mean; outputs are returned, and "+=" kernels take the initial output instead of
// writing into one. Dropout masks and RoPE tables come from kernels.ts, so masks and angles agree with the kernels'.
import { dropoutParams, keepElement, ropeTables, type AdamWStep, type Dropout } from '../../trainer/kernels/kernels.js';

type F = Float64Array;

/** Whether element i survives dropout d, and the survivors' scale (a null or p = 0 dropout keeps everything). */
function mask(d: Dropout | null): (i: number) => number {
  if (!d || d.p <= 0) return () => 1;
  const p = dropoutParams(d);
  return (i) => (keepElement(p.seed, i, p.thresh) ? p.scale : 0);
}

/** out[N, M] = inp[N, K] @ w[K, M] (+ bias[M]); with acc (the initial out), out = acc + inp @ w. */
export function matmul(acc: F | null, inp: F, w: F, bias: F | null, N: number, K: number, M: number): F {
  const out = new Float64Array(N * M);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < M; j++) {
      let s = acc ? acc[i * M + j] : bias ? bias[j] : 0;
      for (let k = 0; k < K; k++) s += inp[i * K + k] * w[k * M + j];
      out[i * M + j] = s;
    }
  return out;
}

/** out[N, M] (acc +) = inp[N, K] @ w[M, K]^T. */
export function matmulNT(acc: F | null, inp: F, w: F, N: number, K: number, M: number): F {
  const out = new Float64Array(N * M);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < M; j++) {
      let s = acc ? acc[i * M + j] : 0;
      for (let k = 0; k < K; k++) s += inp[i * K + k] * w[j * K + k];
      out[i * M + j] = s;
    }
  return out;
}

/** out[K, M] (acc +) = a[N, K]^T @ b[N, M]. */
export function matmulTN(acc: F | null, a: F, b: F, N: number, K: number, M: number): F {
  const out = new Float64Array(K * M);
  for (let k = 0; k < K; k++)
    for (let j = 0; j < M; j++) {
      let s = acc ? acc[k * M + j] : 0;
      for (let i = 0; i < N; i++) s += a[i * K + k] * b[i * M + j];
      out[k * M + j] = s;
    }
  return out;
}

/** db0 + column sums of dout [N, M]. */
export function biasGrad(db0: F, dout: F, N: number, M: number): F {
  const db = Float64Array.from(db0);
  for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) db[j] += dout[i * M + j];
  return db;
}

/** LayerNorm (or RMSNorm: no mean, mean left 0) of rows [N, C]. */
export function norm(inp: F, w: F, b: F | null, N: number, C: number, eps: number, rms: boolean): { out: F; mean: F; rstd: F } {
  const out = new Float64Array(N * C);
  const mean = new Float64Array(N);
  const rstd = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let mu = 0;
    if (!rms) {
      for (let i = 0; i < C; i++) mu += inp[n * C + i];
      mu /= C;
    }
    let v = 0;
    for (let i = 0; i < C; i++) v += (inp[n * C + i] - mu) ** 2;
    const r = 1 / Math.sqrt(v / C + eps);
    mean[n] = mu;
    rstd[n] = r;
    for (let i = 0; i < C; i++) out[n * C + i] = (inp[n * C + i] - mu) * r * w[i] + (b ? b[i] : 0);
  }
  return { out, mean, rstd };
}

/** The norm's gradients from the kept mean and rstd, added to dinp0, dw0 and db0 (db0 null without bias). */
export function normBackward(dinp0: F, dw0: F, db0: F | null, dout: F, inp: F, mean: F, rstd: F, w: F, N: number, C: number, rms: boolean): { dinp: F; dw: F; db: F | null } {
  const dinp = Float64Array.from(dinp0);
  const dw = Float64Array.from(dw0);
  const db = db0 ? Float64Array.from(db0) : null;
  for (let n = 0; n < N; n++) {
    const mu = rms ? 0 : mean[n];
    const r = rstd[n];
    const xhat = (i: number) => (inp[n * C + i] - mu) * r;
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < C; i++) {
      const dn = w[i] * dout[n * C + i];
      m1 += dn;
      m2 += dn * xhat(i);
    }
    m1 = rms ? 0 : m1 / C;
    m2 /= C;
    for (let i = 0; i < C; i++) {
      const dn = w[i] * dout[n * C + i];
      dinp[n * C + i] += (dn - m1 - xhat(i) * m2) * r;
      dw[i] += dout[n * C + i] * xhat(i);
      if (db) db[i] += dout[n * C + i];
    }
  }
  return { dinp, dw, db };
}

const GC = Math.sqrt(2 / Math.PI);
const GA = 0.044715;

/** GELU, tanh approximation. */
export function gelu(inp: F): F {
  return inp.map((x) => 0.5 * x * (1 + Math.tanh(GC * (x + GA * x ** 3))));
}

/** dout · d/dx of the tanh-approximation GELU. */
export function geluBackward(dout: F, inp: F): F {
  return inp.map((x, i) => {
    const t = Math.tanh(GC * (x + GA * x ** 3));
    return dout[i] * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GC * (1 + 3 * GA * x * x));
  });
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** silu(gate) · up. */
export function swiglu(gate: F, up: F): F {
  return gate.map((g, i) => g * sigmoid(g) * up[i]);
}

export function swigluBackward(dout: F, gate: F, up: F): { dgate: F; dup: F } {
  const dgate = new Float64Array(gate.length);
  const dup = new Float64Array(gate.length);
  for (let i = 0; i < gate.length; i++) {
    const g = gate[i];
    const s = sigmoid(g);
    dup[i] = dout[i] * g * s;
    dgate[i] = dout[i] * up[i] * (s + g * s * (1 - s));
  }
  return { dgate, dup };
}

export function add(a: F, b: F): F {
  return a.map((x, i) => x + b[i]);
}

/** inp · mask / (1 - p), the mask from keepElement over the element index. */
export function dropout(inp: F, d: Dropout): F {
  const m = mask(d);
  return inp.map((x, i) => x * m(i));
}

/** GPT-NeoX rotary embedding of the q and k parts of qkv [B*T, 3d] (v untouched); inverse rotates back. */
export function rope(qkv: F, B: number, T: number, H: number, hd: number, base: number, inverse: boolean): F {
  const { cos, sin } = ropeTables(T, hd, base);
  const out = Float64Array.from(qkv);
  const d = H * hd;
  const half = hd / 2;
  for (let n = 0; n < B * T; n++) {
    const t = n % T;
    for (let part = 0; part < 2; part++)
      for (let h = 0; h < H; h++) {
        const o = n * 3 * d + part * d + h * hd;
        for (let i = 0; i < half; i++) {
          const c = cos[t * half + i];
          const s = inverse ? -sin[t * half + i] : sin[t * half + i];
          const x1 = qkv[o + i];
          const x2 = qkv[o + i + half];
          out[o + i] = x1 * c - x2 * s;
          out[o + i + half] = x2 * c + x1 * s;
        }
      }
  }
  return out;
}

/** q, k, v of head h at position (b, t) start at these offsets of qkv [B*T, 3d]. */
const at = (b: number, t: number, h: number, part: number, T: number, H: number, hd: number) => (b * T + t) * 3 * H * hd + part * H * hd + h * hd;

/** Causal attention: out [B*T, d], probs [B, H, T, T] (softmax before dropout; the masked half 0). */
export function attention(qkv: F, B: number, T: number, H: number, hd: number, d: Dropout | null): { out: F; probs: F } {
  const out = new Float64Array(B * T * H * hd);
  const probs = new Float64Array(B * H * T * T);
  const m = mask(d);
  const scale = 1 / Math.sqrt(hd);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let t = 0; t < T; t++) {
        const row = ((b * H + h) * T + t) * T;
        const q = at(b, t, h, 0, T, H, hd);
        let max = -Infinity;
        for (let j = 0; j <= t; j++) {
          let s = 0;
          for (let i = 0; i < hd; i++) s += qkv[q + i] * qkv[at(b, j, h, 1, T, H, hd) + i];
          probs[row + j] = s * scale;
          max = Math.max(max, s * scale);
        }
        let sum = 0;
        for (let j = 0; j <= t; j++) sum += (probs[row + j] = Math.exp(probs[row + j] - max));
        for (let j = 0; j <= t; j++) probs[row + j] /= sum;
        const y = (b * T + t) * H * hd + h * hd;
        for (let j = 0; j <= t; j++) {
          const p = probs[row + j] * m(row + j);
          for (let i = 0; i < hd; i++) out[y + i] += p * qkv[at(b, j, h, 2, T, H, hd) + i];
        }
      }
  return { out, probs };
}

/** dqkv [B*T, 3d] from dout [B*T, d], given the forward's probs (only the causal half is read). */
export function attentionBackward(dout: F, qkv: F, probs: F, B: number, T: number, H: number, hd: number, d: Dropout | null): F {
  const dqkv = new Float64Array(qkv.length);
  const m = mask(d);
  const scale = 1 / Math.sqrt(hd);
  const dp = new Float64Array(T);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let t = 0; t < T; t++) {
        const row = ((b * H + h) * T + t) * T;
        const g = (b * T + t) * H * hd + h * hd;
        let s = 0;
        for (let j = 0; j <= t; j++) {
          const v = at(b, j, h, 2, T, H, hd);
          let dot = 0;
          for (let i = 0; i < hd; i++) {
            dqkv[v + i] += probs[row + j] * m(row + j) * dout[g + i];
            dot += dout[g + i] * qkv[v + i];
          }
          dp[j] = dot * m(row + j);
          s += probs[row + j] * dp[j];
        }
        const q = at(b, t, h, 0, T, H, hd);
        for (let j = 0; j <= t; j++) {
          const ds = probs[row + j] * (dp[j] - s) * scale;
          const k = at(b, j, h, 1, T, H, hd);
          for (let i = 0; i < hd; i++) {
            dqkv[q + i] += ds * qkv[k + i];
            dqkv[k + i] += ds * qkv[q + i];
          }
        }
      }
  return dqkv;
}

/** out[n] = wte[tokens[n]] (+ wpe[n mod T]). */
export function embedding(tokens: Int32Array, wte: F, wpe: F | null, N: number, T: number, C: number): F {
  const out = new Float64Array(N * C);
  for (let n = 0; n < N; n++) for (let i = 0; i < C; i++) out[n * C + i] = wte[tokens[n] * C + i] + (wpe ? wpe[(n % T) * C + i] : 0);
  return out;
}

export function embeddingBackward(dwte0: F, dwpe0: F | null, dout: F, tokens: Int32Array, N: number, T: number, C: number): { dwte: F; dwpe: F | null } {
  const dwte = Float64Array.from(dwte0);
  const dwpe = dwpe0 ? Float64Array.from(dwpe0) : null;
  for (let n = 0; n < N; n++)
    for (let i = 0; i < C; i++) {
      dwte[tokens[n] * C + i] += dout[n * C + i];
      if (dwpe) dwpe[(n % T) * C + i] += dout[n * C + i];
    }
  return { dwte, dwpe };
}

/** losses [N] = logsumexp(row) - row[target]; grad (when gradScale != 0) = (softmax - onehot) · gradScale. */
export function crossEntropy(logits: F, targets: Int32Array, N: number, V: number, gradScale: number): { losses: F; grad: F } {
  const losses = new Float64Array(N);
  const grad = new Float64Array(N * V);
  for (let n = 0; n < N; n++) {
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, logits[n * V + j]);
    let sum = 0;
    for (let j = 0; j < V; j++) sum += Math.exp(logits[n * V + j] - max);
    losses[n] = Math.log(sum) + max - logits[n * V + targets[n]];
    for (let j = 0; j < V; j++) grad[n * V + j] = (Math.exp(logits[n * V + j] - max) / sum - (j === targets[n] ? 1 : 0)) * gradScale;
  }
  return { losses, grad };
}

/** One AdamW step (PyTorch's order: decay the weights, then the Adam update with bias-corrected moments). */
export function adamw(params: F[], grads: F[], m: F[], v: F[], decay: boolean[], h: AdamWStep): { params: F[]; m: F[]; v: F[] } {
  const bc1 = 1 - h.beta1 ** h.t;
  const bc2 = 1 - h.beta2 ** h.t;
  const P: F[] = [];
  const Mo: F[] = [];
  const Vo: F[] = [];
  for (let b = 0; b < params.length; b++) {
    const wd = decay[b] ? h.weightDecay : 0;
    const p = new Float64Array(params[b].length);
    const mm = new Float64Array(p.length);
    const vv = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) {
      const g = grads[b][i] * h.gradScale;
      mm[i] = h.beta1 * m[b][i] + (1 - h.beta1) * g;
      vv[i] = h.beta2 * v[b][i] + (1 - h.beta2) * g * g;
      p[i] = params[b][i] * (1 - h.lr * wd) - (h.lr / bc1) * (mm[i] / (Math.sqrt(vv[i]) / Math.sqrt(bc2) + h.eps));
    }
    P.push(p);
    Mo.push(mm);
    Vo.push(vv);
  }
  return { params: P, m: Mo, v: Vo };
}

export function sumSquares(bufs: F[]): number {
  let s = 0;
  for (const b of bufs) for (const x of b) s += x * x;
  return s;
}
