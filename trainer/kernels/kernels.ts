// The kernels interface: everything the model (trainer/model.ts) computes goes through one of these calls, so a
// kernel set (our wasm SIMD CPU kernels, TensorFlow.js) is chosen once and the model is written once. Buffers are
// opaque handles of float32 (or int32 token) elements owned by the kernel set; shapes are passed with each call,
// row-major. "+=" kernels accumulate into their output (gradients); the others overwrite it.

/** A kernel set's buffer of `n` 4-byte elements. */
export interface Buf {
  readonly n: number;
}

/** Dropout of one call site: probability p and a seed; masks are a hash of (seed, element index), never stored. */
export interface Dropout {
  p: number;
  seed: number;
}

export interface Kernels<B extends Buf = Buf> {
  /** "cpu", "tensorflow", ... */
  readonly name: string;
  /** One line for the progress output: kernel set, threads, SIMD features. */
  describe(): string;
  /** A zeroed buffer of n float32 elements (or int32 tokens). */
  alloc(n: number): B;
  write(b: B, data: Float32Array, offset?: number): void;
  writeInts(b: B, data: Int32Array): void;
  read(b: B, offset?: number, n?: number): Float32Array;
  /** Sets every element of the buffers to 0. */
  zero(bufs: B[]): void;
  /** dst[0..n) = src[srcOffset..srcOffset + n). */
  copy(dst: B, src: B, srcOffset: number, n: number): void;
  /** Bytes this kernel set holds now (buffers and its own scratch). */
  bytesHeld(): number;
  /** Releases threads and memory. */
  dispose(): Promise<void>;
  /**
   * Sizes the kernels' own scratch once for the largest call to come (so memory does not grow during training):
   * the largest K x M operand of a product, the largest N x K one that is transposed, the longest attention.
   */
  reserveScratch?(s: { operand: number; transposed: number; T: number }): void;

  /** out[N, M] = inp[N, K] @ w[K, M] (+ bias[M]); with accumulate, out += inp @ w (bias must be null). */
  matmul(out: B, inp: B, w: B, bias: B | null, N: number, K: number, M: number, accumulate: boolean): void;
  /** out[N, M] (+)= inp[N, K] @ w[M, K]^T: input gradients (dy @ W^T) and the tied head's logits (h @ wte^T). */
  matmulNT(out: B, inp: B, w: B, N: number, K: number, M: number, accumulate: boolean): void;
  /** out[K, M] (+)= a[N, K]^T @ b[N, M]: weight gradients (x^T @ dy). */
  matmulTN(out: B, a: B, b: B, N: number, K: number, M: number, accumulate: boolean): void;
  /** db[M] += sum over rows of dout[N, M]. */
  biasGrad(db: B, dout: B, N: number, M: number): void;

  /** LayerNorm (rms false) or RMSNorm (rms true, mean unused) of rows [N, C]; mean and rstd [N] kept. */
  norm(out: B, mean: B, rstd: B, inp: B, w: B, b: B | null, N: number, C: number, eps: number, rms: boolean): void;
  /** dinp += input gradient; dw += and db += (db null without bias) parameter gradients. */
  normBackward(dinp: B, dw: B, db: B | null, dout: B, inp: B, mean: B, rstd: B, w: B, N: number, C: number, rms: boolean): void;

  /** out = GELU(inp), tanh approximation. */
  gelu(out: B, inp: B, n: number): void;
  /** dinp = dout · GELU'(inp). */
  geluBackward(dinp: B, dout: B, inp: B, n: number): void;
  /** out = silu(gate) · up. */
  swiglu(out: B, gate: B, up: B, n: number): void;
  /** dgate, dup (overwritten) from dout. */
  swigluBackward(dgate: B, dup: B, dout: B, gate: B, up: B, n: number): void;
  /** out = a + b (out may alias a). */
  add(out: B, a: B, b: B, n: number): void;
  /** out = inp · mask / (1 - p) (out may alias inp); the same call with the same seed masks the gradient. */
  dropout(out: B, inp: B, n: number, d: Dropout): void;

  /** Rotary embedding (GPT-NeoX halves) of the q and k parts of qkv [B*T, 3d] in place; inverse rotates back. */
  rope(qkv: B, B: number, T: number, H: number, hd: number, base: number, inverse: boolean): void;
  /**
   * Elements of the state attention() keeps for attentionBackward (its `probs` buffer). Without this method: the
   * probabilities [B, H, T, T]; a set that recomputes them (FlashAttention) keeps less, e.g. a log-sum-exp per row.
   */
  attentionStateSize?(B: number, T: number, H: number, hd: number): number;
  /** Causal attention: out [B*T, d] from qkv [B*T, 3d]; probs [B, H, T, T] kept (the masked half is never read). */
  attention(out: B, probs: B, qkv: B, B: number, T: number, H: number, hd: number, dropout: Dropout | null): void;
  /** dqkv [B*T, 3d] (overwritten) from dout [B*T, d]. */
  attentionBackward(dqkv: B, dout: B, qkv: B, probs: B, B: number, T: number, H: number, hd: number, dropout: Dropout | null): void;

  /** out[n] = wte[tokens[n]] (+ wpe[n mod T]); tokens is an int32 buffer of N = B·T ids. */
  embedding(out: B, tokens: B, wte: B, wpe: B | null, N: number, T: number, C: number): void;
  /** dwte[tokens[n]] += dout[n]; dwpe[n mod T] += dout[n]. */
  embeddingBackward(dwte: B, dwpe: B | null, dout: B, tokens: B, N: number, T: number, C: number): void;
  /**
   * Per-row cross-entropy of logits [N, V] against int32 targets into losses [N]; with gradScale != 0 the logits
   * are overwritten by their gradient (softmax - onehot) · gradScale.
   */
  crossEntropy(logits: B, losses: B, targets: B, N: number, V: number, gradScale: number): void;

  /** One AdamW step on each (param, grad, m, v), weight decay where decay[i]; grads scaled by gradScale first. */
  adamw(params: B[], grads: B[], m: B[], v: B[], decay: boolean[], h: AdamWStep): void;
  /** Sum of squares of every element of the buffers, added in a fixed order (float64). */
  sumSquares(bufs: B[]): number;
}

export interface AdamWStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Steps taken including this one (bias correction). */
  t: number;
  /** Clipping factor applied to the gradients (1: none). */
  gradScale: number;
}

/** GPT-NeoX rotary tables cos/sin [T, hd/2] in float32, computed in float64. */
export function ropeTables(T: number, hd: number, base: number): { cos: Float32Array; sin: Float32Array } {
  const half = hd / 2;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let t = 0; t < T; t++)
    for (let i = 0; i < half; i++) {
      const a = t * Math.pow(base, (-2 * i) / hd);
      cos[t * half + i] = Math.cos(a);
      sin[t * half + i] = Math.sin(a);
    }
  return { cos, sin };
}

/** Dropout's keep threshold (p·2^32) and scale 1 / (1 - p), as the kernels take them. */
export function dropoutParams(d: Dropout): { thresh: number; scale: number; seed: number } {
  return { thresh: Math.min(0xffffffff, Math.floor(d.p * 2 ** 32)) >>> 0, scale: 1 / (1 - d.p), seed: d.seed >>> 0 };
}

/** The keep test every kernel set uses: murmur3's finalizer over (index · golden ratio + seed) against thresh. */
export function keepElement(seed: number, i: number, thresh: number): boolean {
  let x = (Math.imul(i, 0x9e3779b1) + seed) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0 >= thresh;
}
