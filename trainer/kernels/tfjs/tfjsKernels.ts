// The TensorFlow.js kernel set: the same maths as the CPU kernels (trainer/kernels/kernels.ts) in TF.js ops, on
// whichever TF.js backend is active (tensorflow = tfjs-node[-gpu], webgpu, wasm, cpu). A buffer holds one flat 1-D
// tensor; a kernel builds its result in tf.tidy and swaps it in, disposing the old tensor, so nothing leaks and an
// output may alias an input. Only the first elements a call's shapes name are read or replaced, as on the CPU set.
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../../datasets/errors.js';
import { dropoutParams, keepElement, ropeTables, type AdamWStep, type Buf, type Dropout, type Kernels } from '../kernels.js';

export type TfBackend = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export interface TfBuf extends Buf {
  readonly n: number;
  /** n elements, float32 (int32 after writeInts); replaced, never mutated, by every kernel that writes the buffer. */
  t: tf.Tensor1D;
}

/** The first of these packages that imports, or null when none is installed. */
async function importOptional(names: string[]): Promise<Record<string, unknown> | null> {
  for (const name of names) {
    try {
      return (await import(name)) as Record<string, unknown>;
    } catch {
      // not installed: try the next one
    }
  }
  return null;
}

/**
 * Gives Node a navigator.gpu from the `webgpu` package (Dawn). It must exist before tfjs-backend-webgpu is imported:
 * that package registers its backend at import time only if navigator.gpu is there ("Backend name 'webgpu' not
 * found in registry" otherwise).
 */
async function provideNavigatorGpu(): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return;
  const mod = await importOptional(['webgpu']);
  const webgpu = (mod && typeof mod.create === 'function' ? mod : (mod?.default as Record<string, unknown> | undefined)) as
    | { create: (o: string[]) => unknown; globals: object }
    | undefined;
  if (!webgpu || typeof webgpu.create !== 'function') throw new UserError('kernel set "tfjs-webgpu": Node has no navigator.gpu; install the `webgpu` package (Dawn): `npm install webgpu`, or use --backend cpu');
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  // Node 21+ has a navigator (without gpu): add gpu to it; Node 20 has none.
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
}

/** Registers (importing the optional package it needs) and activates a TF.js backend. */
async function activate(name: TfBackend): Promise<void> {
  if (tf.getBackend() === name) return;
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
  } else if (name === 'tensorflow') {
    const got = await importOptional(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    if (!got) throw new UserError('kernel set "tensorflow" needs @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node: run `npm install @tensorflow/tfjs-node-gpu@4.22.0` (it downloads libtensorflow), or use --backend cpu');
  } else if (name === 'webgpu') {
    await provideNavigatorGpu();
    const got = await importOptional(['@tensorflow/tfjs-backend-webgpu']);
    if (!got) throw new UserError('kernel set "tfjs-webgpu" needs @tensorflow/tfjs-backend-webgpu@4.22.0 and the `webgpu` package (Dawn): npm install both, or use --backend webgpu (our own WGSL kernels) or cpu');
  }
  if (!tf.findBackend(name) && !tf.findBackendFactory(name)) throw new UserError(`TF.js backend "${name}" is not registered (its package imported, but did not register it); use --backend cpu`);
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new UserError(`TF.js backend "${name}" failed to initialise; use --backend cpu`);
}

/** The kernel set's name, as trainer/kernels/select.ts spells it. */
const SET_NAME: Record<TfBackend, string> = { tensorflow: 'tensorflow', webgpu: 'tfjs-webgpu', wasm: 'tfjs-wasm', cpu: 'tfjs-cpu' };

const GC = Math.sqrt(2 / Math.PI);
const GA = 0.044715;

export class TfjsKernels implements Kernels<TfBuf> {
  readonly name: string;
  private readonly bufs = new Set<TfBuf>();
  /** Constant tensors by key (RoPE tables, causal masks), kept until dispose. */
  private readonly consts = new Map<string, tf.Tensor>();

  private constructor(private readonly backend: TfBackend) {
    this.name = SET_NAME[backend];
  }

  static async create(backend: TfBackend): Promise<TfjsKernels> {
    await activate(backend);
    return new TfjsKernels(backend);
  }

  describe(): string {
    if (this.backend === 'wasm') return `tensorflow.js (wasm, ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD'})`;
    return `tensorflow.js (${this.backend})`;
  }

  // --- buffers ---

  alloc(n: number): TfBuf {
    const b: TfBuf = { n, t: tf.zeros([n]) };
    this.bufs.add(b);
    return b;
  }

  /** Swaps in b's new tensor (n elements) and disposes the old one. */
  private replace(b: TfBuf, t: tf.Tensor): void {
    const old = b.t;
    b.t = t as tf.Tensor1D;
    if (old !== t) old.dispose();
  }

  /** Inside a tidy: r flattened, followed by the elements of b past r (a call may use only a buffer's head). */
  private fit(b: TfBuf, r: tf.Tensor): tf.Tensor1D {
    const flat = r.reshape([r.size]) as tf.Tensor1D;
    if (flat.size > b.n) throw new RangeError(`a result of ${flat.size} elements for a buffer of ${b.n}`);
    return flat.size === b.n ? flat : tf.concat([flat, this.floats(b).slice(flat.size)]);
  }

  /** Runs f in a tidy, fits its results to the buffers outs (in order) and swaps them in. */
  private put(outs: TfBuf[], f: () => tf.Tensor[]): void {
    const ts = tf.tidy(() => f().map((r, i) => this.fit(outs[i], r)));
    if (ts.length !== outs.length) throw new Error(`${ts.length} results for ${outs.length} buffers`);
    outs.forEach((b, i) => this.replace(b, ts[i]));
  }

  /** put for one output. */
  private put1(out: TfBuf, f: () => tf.Tensor): void {
    this.put([out], () => [f()]);
  }

  private floats(b: TfBuf): tf.Tensor1D {
    return b.t.dtype === 'float32' ? b.t : b.t.cast('float32');
  }

  /** Inside a tidy: b's first `size` elements as float32, in `shape`. */
  private view(b: TfBuf, size: number, shape: number[]): tf.Tensor {
    if (size > b.n) throw new RangeError(`a call reads ${size} elements of a buffer of ${b.n}`);
    const f = this.floats(b);
    return (size === b.n ? f : f.slice(0, size)).reshape(shape);
  }

  /** Inside a tidy: b's first `size` elements as int32 (token ids). */
  private ints(b: TfBuf, size: number): tf.Tensor1D {
    const t: tf.Tensor1D = b.t.dtype === 'int32' ? b.t : b.t.cast('int32');
    return size === b.n ? t : t.slice(0, size);
  }

  write(b: TfBuf, data: Float32Array, offset = 0): void {
    if (offset + data.length > b.n) throw new RangeError(`write of ${data.length} at ${offset} into a buffer of ${b.n}`);
    if (offset === 0 && data.length === b.n) return this.replace(b, tf.tensor1d(data, 'float32'));
    const t = tf.tidy(() => {
      const f = this.floats(b);
      const parts: tf.Tensor1D[] = [];
      if (offset > 0) parts.push(f.slice(0, offset));
      parts.push(tf.tensor1d(data, 'float32'));
      if (offset + data.length < b.n) parts.push(f.slice(offset + data.length));
      return tf.concat(parts);
    });
    this.replace(b, t);
  }

  writeInts(b: TfBuf, data: Int32Array): void {
    if (data.length > b.n) throw new RangeError(`write of ${data.length} ints into a buffer of ${b.n}`);
    const all = data.length === b.n ? data : new Int32Array(b.n);
    if (all !== data) all.set(data);
    this.replace(b, tf.tensor1d(all, 'int32'));
  }

  read(b: TfBuf, offset = 0, n = b.n - offset): Float32Array {
    const t = offset === 0 && n === b.n ? b.t : tf.tidy(() => b.t.slice(offset, n));
    // dataSync may hand out the backend's own array: copy it. An int buffer reads as its bits, as on the CPU set.
    const d = t.dataSync();
    if (t !== b.t) t.dispose();
    return d instanceof Float32Array ? d.slice() : new Float32Array(Int32Array.from(d as Int32Array).buffer);
  }

  zero(bufs: TfBuf[]): void {
    for (const b of bufs) this.replace(b, tf.zeros([b.n]));
  }

  copy(dst: TfBuf, src: TfBuf, srcOffset: number, n: number): void {
    this.put1(dst, () => this.floats(src).slice(srcOffset, n));
  }

  bytesHeld(): number {
    let n = 0;
    for (const b of this.bufs) n += b.n;
    for (const t of this.consts.values()) n += t.size;
    return 4 * n;
  }

  async dispose(): Promise<void> {
    for (const b of this.bufs) b.t.dispose();
    for (const t of this.consts.values()) t.dispose();
    this.bufs.clear();
    this.consts.clear();
  }

  /** A constant tensor, made once (outside any tidy) and kept. */
  private constant(key: string, make: () => tf.Tensor): tf.Tensor {
    let t = this.consts.get(key);
    if (!t) {
      t = tf.tidy(make);
      this.consts.set(key, t);
    }
    return t;
  }

  /** [T, T] true on and below the diagonal. */
  private causal(T: number): tf.Tensor {
    return this.constant(`causal/${T}`, () => tf.linalg.bandPart(tf.ones([T, T]), -1, 0).cast('bool'));
  }

  /** The dropout mask of n elements (scale where kept, else 0), built with keepElement as every kernel set does. */
  private mask(n: number, d: Dropout): tf.Tensor1D {
    const p = dropoutParams(d);
    const m = new Float32Array(n);
    for (let i = 0; i < n; i++) if (keepElement(p.seed, i, p.thresh)) m[i] = p.scale;
    return tf.tensor1d(m, 'float32');
  }

  // --- products ---

  matmul(out: TfBuf, inp: TfBuf, w: TfBuf, bias: TfBuf | null, N: number, K: number, M: number, accumulate: boolean): void {
    this.put1(out, () => {
      const y = tf.matMul(this.view(inp, N * K, [N, K]), this.view(w, K * M, [K, M]));
      if (accumulate) return this.view(out, N * M, [N, M]).add(y);
      return bias ? y.add(this.view(bias, M, [M])) : y;
    });
  }

  matmulNT(out: TfBuf, inp: TfBuf, w: TfBuf, N: number, K: number, M: number, accumulate: boolean): void {
    this.put1(out, () => {
      const y = tf.matMul(this.view(inp, N * K, [N, K]), this.view(w, M * K, [M, K]), false, true);
      return accumulate ? this.view(out, N * M, [N, M]).add(y) : y;
    });
  }

  matmulTN(out: TfBuf, a: TfBuf, b: TfBuf, N: number, K: number, M: number, accumulate: boolean): void {
    this.put1(out, () => {
      const y = tf.matMul(this.view(a, N * K, [N, K]), this.view(b, N * M, [N, M]), true, false);
      return accumulate ? this.view(out, K * M, [K, M]).add(y) : y;
    });
  }

  biasGrad(db: TfBuf, dout: TfBuf, N: number, M: number): void {
    this.put1(db, () => this.view(db, M, [M]).add(this.view(dout, N * M, [N, M]).sum(0)));
  }

  // --- norms ---

  norm(out: TfBuf, mean: TfBuf, rstd: TfBuf, inp: TfBuf, w: TfBuf, b: TfBuf | null, N: number, C: number, eps: number, rms: boolean): void {
    // RMSNorm leaves mean as it was.
    this.put(rms ? [out, rstd] : [out, rstd, mean], () => {
      const x = this.view(inp, N * C, [N, C]);
      const mu = rms ? null : x.mean(1, true);
      const xc = mu ? x.sub(mu) : x;
      const r = xc.square().mean(1, true).add(eps).rsqrt();
      let y = xc.mul(r).mul(this.view(w, C, [C]));
      if (b) y = y.add(this.view(b, C, [C]));
      return mu ? [y, r, mu] : [y, r];
    });
  }

  normBackward(dinp: TfBuf, dw: TfBuf, db: TfBuf | null, dout: TfBuf, inp: TfBuf, mean: TfBuf, rstd: TfBuf, w: TfBuf, N: number, C: number, rms: boolean): void {
    this.put(db ? [dinp, dw, db] : [dinp, dw], () => {
      const x = this.view(inp, N * C, [N, C]);
      const g = this.view(dout, N * C, [N, C]);
      const r = this.view(rstd, N, [N, 1]);
      const xhat = (rms ? x : x.sub(this.view(mean, N, [N, 1]))).mul(r);
      const dn = g.mul(this.view(w, C, [C]));
      let c = dn.sub(xhat.mul(dn.mul(xhat).mean(1, true)));
      if (!rms) c = c.sub(dn.mean(1, true));
      const res = [this.view(dinp, N * C, [N, C]).add(c.mul(r)), this.view(dw, C, [C]).add(g.mul(xhat).sum(0))];
      if (db) res.push(this.view(db, C, [C]).add(g.sum(0)));
      return res;
    });
  }

  // --- elementwise ---

  /** tanh(sqrt(2/pi) (x + 0.044715 x^3)) */
  private geluTanh(x: tf.Tensor): tf.Tensor {
    return x.add(x.mul(x).mul(x).mul(GA)).mul(GC).tanh();
  }

  gelu(out: TfBuf, inp: TfBuf, n: number): void {
    this.put1(out, () => {
      const x = this.view(inp, n, [n]);
      return x.mul(0.5).mul(this.geluTanh(x).add(1));
    });
  }

  geluBackward(dinp: TfBuf, dout: TfBuf, inp: TfBuf, n: number): void {
    this.put1(dinp, () => {
      const x = this.view(inp, n, [n]);
      const t = this.geluTanh(x);
      const du = x.square().mul(3 * GA).add(1).mul(GC);
      const g = t.add(1).mul(0.5).add(x.mul(0.5).mul(tf.sub(1, t.square())).mul(du));
      return this.view(dout, n, [n]).mul(g);
    });
  }

  swiglu(out: TfBuf, gate: TfBuf, up: TfBuf, n: number): void {
    this.put1(out, () => {
      const g = this.view(gate, n, [n]);
      return g.mul(g.sigmoid()).mul(this.view(up, n, [n]));
    });
  }

  swigluBackward(dgate: TfBuf, dup: TfBuf, dout: TfBuf, gate: TfBuf, up: TfBuf, n: number): void {
    this.put([dgate, dup], () => {
      const g = this.view(gate, n, [n]);
      const s = g.sigmoid();
      const d = this.view(dout, n, [n]);
      const ds = s.mul(g.mul(tf.sub(1, s)).add(1));
      return [d.mul(this.view(up, n, [n])).mul(ds), d.mul(g.mul(s))];
    });
  }

  add(out: TfBuf, a: TfBuf, b: TfBuf, n: number): void {
    this.put1(out, () => this.view(a, n, [n]).add(this.view(b, n, [n])));
  }

  dropout(out: TfBuf, inp: TfBuf, n: number, d: Dropout): void {
    this.put1(out, () => this.view(inp, n, [n]).mul(this.mask(n, d)));
  }

  // --- attention ---

  rope(qkv: TfBuf, B: number, T: number, H: number, hd: number, base: number, inverse: boolean): void {
    const half = hd / 2;
    const cos = this.constant(`cos/${T}/${hd}/${base}`, () => tf.tensor(ropeTables(T, hd, base).cos, [1, T, 1, 1, half]));
    const sin = this.constant(`sin/${T}/${hd}/${base}`, () => tf.tensor(ropeTables(T, hd, base).sin, [1, T, 1, 1, half]));
    this.put1(qkv, () => {
      const x = this.view(qkv, B * T * 3 * H * hd, [B, T, 3, H, hd]);
      const x1 = x.slice([0, 0, 0, 0, 0], [B, T, 2, H, half]);
      const x2 = x.slice([0, 0, 0, 0, half], [B, T, 2, H, half]);
      const s = inverse ? sin.neg() : sin;
      const r1 = x1.mul(cos).sub(x2.mul(s));
      const r2 = x2.mul(cos).add(x1.mul(s));
      return tf.concat([tf.concat([r1, r2], 4), x.slice([0, 0, 2, 0, 0], [B, T, 1, H, hd])], 2);
    });
  }

  /** Inside a tidy: q, k or v (part 0, 1, 2) of qkv [B, T, 3, H, hd] as [B*H, T, hd]. */
  private heads(qkv: tf.Tensor, part: number, B: number, T: number, H: number, hd: number): tf.Tensor3D {
    return qkv.slice([0, 0, part, 0, 0], [B, T, 1, H, hd]).reshape([B, T, H, hd]).transpose([0, 2, 1, 3]).reshape([B * H, T, hd]);
  }

  /** Inside a tidy: [B*H, T, hd] back to rows [B, T, H, hd]. */
  private rows(x: tf.Tensor, B: number, T: number, H: number, hd: number): tf.Tensor {
    return x.reshape([B, H, T, hd]).transpose([0, 2, 1, 3]);
  }

  attention(out: TfBuf, probs: TfBuf, qkv: TfBuf, B: number, T: number, H: number, hd: number, dropout: Dropout | null): void {
    const causal = this.causal(T);
    this.put([out, probs], () => {
      const x = this.view(qkv, B * T * 3 * H * hd, [B, T, 3, H, hd]);
      const q = this.heads(x, 0, B, T, H, hd);
      const k = this.heads(x, 1, B, T, H, hd);
      const v = this.heads(x, 2, B, T, H, hd);
      // A finite -1e9 rather than -Infinity (GPU shaders may not keep infinities): its exp is exactly 0 all the same.
      const scores = tf.where(causal, tf.matMul(q, k, false, true).mul(1 / Math.sqrt(hd)), -1e9);
      const p = tf.softmax(scores);
      const pd = dropout && dropout.p > 0 ? p.mul(this.mask(B * H * T * T, dropout).reshape([B * H, T, T])) : p;
      return [this.rows(tf.matMul(pd, v), B, T, H, hd), p];
    });
  }

  attentionBackward(dqkv: TfBuf, dout: TfBuf, qkv: TfBuf, probs: TfBuf, B: number, T: number, H: number, hd: number, dropout: Dropout | null): void {
    const causal = this.causal(T);
    this.put1(dqkv, () => {
      const x = this.view(qkv, B * T * 3 * H * hd, [B, T, 3, H, hd]);
      const q = this.heads(x, 0, B, T, H, hd);
      const k = this.heads(x, 1, B, T, H, hd);
      const v = this.heads(x, 2, B, T, H, hd);
      const g = this.view(dout, B * T * H * hd, [B, T, H, hd]).transpose([0, 2, 1, 3]).reshape([B * H, T, hd]);
      // The masked half of probs is never read: another kernel set may have left anything there.
      const p = tf.where(causal, this.view(probs, B * H * T * T, [B * H, T, T]), 0);
      const m = dropout && dropout.p > 0 ? this.mask(B * H * T * T, dropout).reshape([B * H, T, T]) : null;
      const dv = tf.matMul(m ? p.mul(m) : p, g, true, false);
      let dp = tf.matMul(g, v, false, true);
      if (m) dp = dp.mul(m);
      const ds = p.mul(dp.sub(p.mul(dp).sum(-1, true))).mul(1 / Math.sqrt(hd));
      const dq = tf.matMul(ds, k);
      const dk = tf.matMul(ds, q, true, false);
      return tf.stack([this.rows(dq, B, T, H, hd), this.rows(dk, B, T, H, hd), this.rows(dv, B, T, H, hd)], 2);
    });
  }

  // --- embeddings and the head ---

  /** Position n mod T of each of N rows. */
  private positions(N: number, T: number): tf.Tensor1D {
    return tf.tensor1d(Int32Array.from({ length: N }, (_, n) => n % T), 'int32');
  }

  // The calls name no vocabulary size: wte (and dwte) are exactly [V, C], as parameters are.
  embedding(out: TfBuf, tokens: TfBuf, wte: TfBuf, wpe: TfBuf | null, N: number, T: number, C: number): void {
    this.put1(out, () => {
      const V = Math.floor(wte.n / C);
      const e = tf.gather(this.view(wte, V * C, [V, C]), this.ints(tokens, N));
      return wpe ? e.add(tf.gather(this.view(wpe, T * C, [T, C]), this.positions(N, T))) : e;
    });
  }

  embeddingBackward(dwte: TfBuf, dwpe: TfBuf | null, dout: TfBuf, tokens: TfBuf, N: number, T: number, C: number): void {
    // scatterND adds the updates of repeated indices (unsortedSegmentSum would too, but the wasm backend lacks it).
    const V = Math.floor(dwte.n / C);
    this.put(dwpe ? [dwte, dwpe] : [dwte], () => {
      const g = this.view(dout, N * C, [N, C]);
      const res = [this.view(dwte, V * C, [V, C]).add(tf.scatterND(this.ints(tokens, N).reshape([N, 1]), g, [V, C]))];
      if (dwpe) res.push(this.view(dwpe, T * C, [T, C]).add(tf.scatterND(this.positions(N, T).reshape([N, 1]), g, [T, C])));
      return res;
    });
  }

  crossEntropy(logits: TfBuf, losses: TfBuf, targets: TfBuf, N: number, V: number, gradScale: number): void {
    // With gradScale 0 the logits stay as they are.
    this.put(gradScale !== 0 ? [losses, logits] : [losses], () => {
      const x = this.view(logits, N * V, [N, V]);
      const sh = x.sub(x.max(1, true));
      const logp = sh.sub(sh.exp().sum(1, true).log());
      // oneHot's dtype argument is ignored by the wasm backend (int bits in a float32 tensor): cast instead.
      const onehot = tf.oneHot(this.ints(targets, N), V).cast('float32');
      const loss = logp.mul(onehot).sum(1).neg();
      return gradScale !== 0 ? [loss, logp.exp().sub(onehot).mul(gradScale)] : [loss];
    });
  }

  // --- optimizer ---

  adamw(params: TfBuf[], grads: TfBuf[], m: TfBuf[], v: TfBuf[], decay: boolean[], h: AdamWStep): void {
    // PyTorch's order of operations, as the CPU kernel (trainer/kernels/wasm/elementwise.ts).
    const stepSize = h.lr / (1 - Math.pow(h.beta1, h.t));
    const sqrtBc2 = Math.sqrt(1 - Math.pow(h.beta2, h.t));
    for (let i = 0; i < params.length; i++) {
      const n = params[i].n;
      const keep = 1 - h.lr * (decay[i] ? h.weightDecay : 0);
      this.put([params[i], m[i], v[i]], () => {
        const g = this.view(grads[i], n, [n]).mul(h.gradScale);
        const m1 = this.view(m[i], n, [n]).mul(h.beta1).add(g.mul(1 - h.beta1));
        const v1 = this.view(v[i], n, [n]).mul(h.beta2).add(g.square().mul(1 - h.beta2));
        const denom = v1.sqrt().div(sqrtBc2).add(h.eps);
        return [this.view(params[i], n, [n]).mul(keep).sub(m1.div(denom).mul(stepSize)), m1, v1];
      });
    }
  }

  sumSquares(bufs: TfBuf[]): number {
    if (bufs.length === 0) return 0;
    // One read for all the buffers; their sums are then added in order in float64.
    const sums = tf.tidy(() => tf.stack(bufs.map((b) => this.floats(b).square().sum())));
    const d = sums.dataSync();
    sums.dispose();
    let total = 0;
    for (let i = 0; i < d.length; i++) total += d[i];
    return total;
  }
}
