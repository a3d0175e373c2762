// The CPU kernel set: our WebAssembly SIMD kernels (trainer/kernels/wasm) on worker threads over one shared
// memory. Products with a transposed operand pack it on the fly (the packing is the transpose), so one gemm kernel
// serves all three. Every kernel splits its outputs between threads in fixed units, and every reduction runs in a
// fixed order, so 1, 2 or N threads give the same bits.
import { availableParallelism } from 'node:os';
import { dropoutParams, ropeTables, type AdamWStep, type Buf, type Dropout, type Kernels } from '../kernels.js';
import { Heap } from './heap.js';
import { kernelModule } from './module.js';
import { Pool } from './pool.js';

export interface CpuBuf extends Buf {
  readonly n: number;
  /** Byte offset in the shared memory. */
  readonly off: number;
}

/** A scratch block that only grows: [offset, capacity in elements]. */
class Scratch {
  off = 0;
  cap = 0;
  constructor(private readonly heap: Heap) {}
  get(n: number): number {
    if (n > this.cap) {
      // doubling: what growth leaves behind stays under the final size
      this.cap = Math.max(n, 2 * this.cap);
      this.off = this.heap.alloc(this.cap);
    }
    return this.off;
  }
}

export interface CpuKernelOptions {
  /** Threads (0 or undefined: every core). */
  threads?: number;
  /** Use the plain SIMD build even where relaxed SIMD runs. */
  noRelaxedSimd?: boolean;
}

export class CpuKernels implements Kernels<CpuBuf> {
  readonly name = 'cpu';
  private readonly packed: Scratch;
  private readonly transposed: Scratch;
  private readonly partials: Scratch;
  private readonly perThread: Scratch;
  private readonly ropeCache = new Map<string, { cos: number; sin: number; T: number }>();

  private constructor(
    private readonly heap: Heap,
    private readonly pool: Pool,
    private readonly features: string,
  ) {
    this.packed = new Scratch(heap);
    this.transposed = new Scratch(heap);
    this.partials = new Scratch(heap);
    this.perThread = new Scratch(heap);
  }

  static async create(o: CpuKernelOptions = {}): Promise<CpuKernels> {
    const threads = o.threads && o.threads > 0 ? o.threads : availableParallelism();
    const { module, features } = kernelModule(!o.noRelaxedSimd && process.env.SLUICE_NO_RELAXED_SIMD !== '1');
    const heap = new Heap();
    return new CpuKernels(heap, await Pool.start(module, heap.memory, threads), features);
  }

  get threads(): number {
    return this.pool.nth;
  }

  describe(): string {
    return `cpu (WebAssembly ${this.features}, ${this.pool.nth} thread${this.pool.nth > 1 ? 's' : ''})`;
  }

  alloc(n: number): CpuBuf {
    const off = this.heap.alloc(n);
    this.heap.f32().fill(0, off / 4, off / 4 + n);
    return { n, off };
  }

  write(b: CpuBuf, data: Float32Array, offset = 0): void {
    if (offset + data.length > b.n) throw new RangeError(`write of ${data.length} at ${offset} into a buffer of ${b.n}`);
    this.heap.f32().set(data, b.off / 4 + offset);
  }

  writeInts(b: CpuBuf, data: Int32Array): void {
    if (data.length > b.n) throw new RangeError(`write of ${data.length} ints into a buffer of ${b.n}`);
    this.heap.i32().set(data, b.off / 4);
  }

  read(b: CpuBuf, offset = 0, n = b.n - offset): Float32Array {
    return this.heap.f32().slice(b.off / 4 + offset, b.off / 4 + offset + n);
  }

  zero(bufs: CpuBuf[]): void {
    const f = this.heap.f32();
    for (const b of bufs) f.fill(0, b.off / 4, b.off / 4 + b.n);
  }

  copy(dst: CpuBuf, src: CpuBuf, srcOffset: number, n: number): void {
    const f = this.heap.f32();
    f.copyWithin(dst.off / 4, src.off / 4 + srcOffset, src.off / 4 + srcOffset + n);
  }

  bytesHeld(): number {
    return this.heap.bytes;
  }

  async dispose(): Promise<void> {
    await this.pool.close();
  }

  reserveScratch(s: { operand: number; transposed: number; T: number }): void {
    this.packed.get(s.operand);
    this.transposed.get(s.transposed);
    this.perThread.get(this.pool.nth * (2 * s.T * s.T + s.T));
  }

  private packSize(K: number, M: number): number {
    return K * Math.ceil(M / 8) * 8;
  }

  matmul(out: CpuBuf, inp: CpuBuf, w: CpuBuf, bias: CpuBuf | null, N: number, K: number, M: number, accumulate: boolean): void {
    const bp = this.packed.get(this.packSize(K, M));
    this.pool.run('pack_b', bp, w.off, K, M);
    this.pool.run('gemm', out.off, inp.off, bp, bias ? bias.off : 0, N, K, M, accumulate ? 1 : 0);
  }

  matmulNT(out: CpuBuf, inp: CpuBuf, w: CpuBuf, N: number, K: number, M: number, accumulate: boolean): void {
    const bp = this.packed.get(this.packSize(K, M));
    this.pool.run('pack_bt', bp, w.off, K, M);
    this.pool.run('gemm', out.off, inp.off, bp, 0, N, K, M, accumulate ? 1 : 0);
  }

  matmulTN(out: CpuBuf, a: CpuBuf, b: CpuBuf, N: number, K: number, M: number, accumulate: boolean): void {
    const at = this.transposed.get(K * N);
    this.pool.run('transpose', at, a.off, N, K);
    const bp = this.packed.get(this.packSize(N, M));
    this.pool.run('pack_b', bp, b.off, N, M);
    this.pool.run('gemm', out.off, at, bp, 0, K, N, M, accumulate ? 1 : 0);
  }

  biasGrad(db: CpuBuf, dout: CpuBuf, N: number, M: number): void {
    this.pool.run('colsum', db.off, dout.off, N, M);
  }

  norm(out: CpuBuf, mean: CpuBuf, rstd: CpuBuf, inp: CpuBuf, w: CpuBuf, b: CpuBuf | null, N: number, C: number, eps: number, rms: boolean): void {
    this.pool.run('norm_fwd', out.off, mean.off, rstd.off, inp.off, w.off, b ? b.off : 0, N, C, eps, rms ? 1 : 0);
  }

  normBackward(dinp: CpuBuf, dw: CpuBuf, db: CpuBuf | null, dout: CpuBuf, inp: CpuBuf, mean: CpuBuf, rstd: CpuBuf, w: CpuBuf, N: number, C: number, rms: boolean): void {
    this.pool.run('norm_bwd_inp', dinp.off, dout.off, inp.off, mean.off, rstd.off, w.off, N, C, rms ? 1 : 0);
    this.pool.run('norm_bwd_params', dw.off, db ? db.off : 0, dout.off, inp.off, rms ? 0 : mean.off, rstd.off, N, C);
  }

  gelu(out: CpuBuf, inp: CpuBuf, n: number): void {
    this.pool.run('gelu_fwd', out.off, inp.off, n);
  }

  geluBackward(dinp: CpuBuf, dout: CpuBuf, inp: CpuBuf, n: number): void {
    this.pool.run('gelu_bwd', dinp.off, dout.off, inp.off, n);
  }

  swiglu(out: CpuBuf, gate: CpuBuf, up: CpuBuf, n: number): void {
    this.pool.run('swiglu_fwd', out.off, gate.off, up.off, n);
  }

  swigluBackward(dgate: CpuBuf, dup: CpuBuf, dout: CpuBuf, gate: CpuBuf, up: CpuBuf, n: number): void {
    this.pool.run('swiglu_bwd', dgate.off, dup.off, dout.off, gate.off, up.off, n);
  }

  add(out: CpuBuf, a: CpuBuf, b: CpuBuf, n: number): void {
    this.pool.run('add', out.off, a.off, b.off, n);
  }

  dropout(out: CpuBuf, inp: CpuBuf, n: number, d: Dropout): void {
    const p = dropoutParams(d);
    this.pool.run('dropout', out.off, inp.off, n, p.thresh, p.scale, p.seed);
  }

  /** Tables for positions 0..T-1 (rows of a longer table serve shorter sequences, so one per head size and base). */
  private rope_(T: number, hd: number, base: number): { cos: number; sin: number; T: number } {
    const key = `${hd}/${base}`;
    let r = this.ropeCache.get(key);
    if (!r || r.T < T) {
      const t = ropeTables(Math.max(T, 2 * (r?.T ?? 0)), hd, base);
      const cos = this.alloc(t.cos.length);
      const sin = this.alloc(t.sin.length);
      this.write(cos, t.cos);
      this.write(sin, t.sin);
      r = { cos: cos.off, sin: sin.off, T: t.cos.length / (hd / 2) };
      this.ropeCache.set(key, r);
    }
    return r;
  }

  rope(qkv: CpuBuf, B: number, T: number, H: number, hd: number, base: number, inverse: boolean): void {
    const t = this.rope_(T, hd, base);
    this.pool.run('rope', qkv.off, t.cos, t.sin, B * T, T, H, hd, inverse ? -1 : 1);
  }

  attention(out: CpuBuf, probs: CpuBuf, qkv: CpuBuf, B: number, T: number, H: number, hd: number, dropout: Dropout | null): void {
    const p = dropout && dropout.p > 0 ? dropoutParams(dropout) : { thresh: 0, scale: 1, seed: 0 };
    const scratch = this.perThread.get(this.pool.nth * (2 * T * T + T));
    this.pool.run('attention_fwd', out.off, probs.off, scratch, qkv.off, B, T, H, hd, 1 / Math.sqrt(hd), p.thresh, p.scale, p.seed);
  }

  attentionBackward(dqkv: CpuBuf, dout: CpuBuf, qkv: CpuBuf, probs: CpuBuf, B: number, T: number, H: number, hd: number, dropout: Dropout | null): void {
    const p = dropout && dropout.p > 0 ? dropoutParams(dropout) : { thresh: 0, scale: 1, seed: 0 };
    const scratch = this.perThread.get(this.pool.nth * (2 * T * T + T));
    this.pool.run('attention_bwd', dqkv.off, scratch, dout.off, qkv.off, probs.off, B, T, H, hd, 1 / Math.sqrt(hd), p.thresh, p.scale, p.seed);
  }

  embedding(out: CpuBuf, tokens: CpuBuf, wte: CpuBuf, wpe: CpuBuf | null, N: number, T: number, C: number): void {
    this.pool.run('embed_fwd', out.off, tokens.off, wte.off, wpe ? wpe.off : 0, N, T, C);
  }

  embeddingBackward(dwte: CpuBuf, dwpe: CpuBuf | null, dout: CpuBuf, tokens: CpuBuf, N: number, T: number, C: number): void {
    this.pool.run('embed_bwd', dwte.off, dwpe ? dwpe.off : 0, dout.off, tokens.off, N, T, C);
  }

  crossEntropy(logits: CpuBuf, losses: CpuBuf, targets: CpuBuf, N: number, V: number, gradScale: number): void {
    this.pool.run('cross_entropy', logits.off, losses.off, targets.off, N, V, gradScale);
  }

  adamw(params: CpuBuf[], grads: CpuBuf[], m: CpuBuf[], v: CpuBuf[], decay: boolean[], h: AdamWStep): void {
    const bc1 = 1 - Math.pow(h.beta1, h.t);
    const bc2 = 1 - Math.pow(h.beta2, h.t);
    for (let i = 0; i < params.length; i++) {
      const wd = decay[i] ? h.weightDecay : 0;
      this.pool.run('adamw', params[i].off, grads[i].off, m[i].off, v[i].off, params[i].n, h.beta1, h.beta2, h.eps, 1 - h.lr * wd, h.lr / bc1, Math.sqrt(bc2), h.gradScale);
    }
  }

  sumSquares(bufs: CpuBuf[]): number {
    let total = 0;
    for (const b of bufs) {
      const chunks = Math.ceil(b.n / 1024);
      const out = this.partials.get(chunks);
      this.pool.run('sumsq', out, b.off, b.n);
      const f = this.heap.f32();
      for (let c = 0; c < chunks; c++) total += f[out / 4 + c];
    }
    return total;
  }
}
