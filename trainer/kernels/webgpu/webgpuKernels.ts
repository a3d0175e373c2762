// The WebGPU kernel set (`--backend webgpu`): our WGSL kernels (./shaders) on a GPU through Dawn, parameters,
// gradients and optimizer state resident on it. The kernels interface is synchronous and WebGPU is not, so the
// device lives on its own thread (worker.ts): calls are recorded here as plain ops and sent as one batch — one
// command buffer — when a value must come back (the loss, the gradient norm, a read); this thread waits on an
// Atomics flag meanwhile. No kernel uses float atomics and every sum runs in a fixed order: the same bits each run.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { UserError } from '../../../datasets/errors.js';
import { dropoutParams, ropeTables, type AdamWStep, type Buf, type Dropout, type Kernels } from '../kernels.js';
import type { AdapterReport, Answer, Hello, Op } from './protocol.js';
import { SUMSQ_CHUNK } from './shaders/elementwise.js';
import { flashBlock, flashStateSize } from './shaders/flash.js';
import { shader } from './shaders/index.js';
import { COLSUM_ROWS, matmulPlan } from './shaders/matmul.js';

export interface GpuBuf extends Buf {
  readonly n: number;
  readonly id: number;
}

/** A float parameter in a dispatch's parameter block (the rest are u32). */
class F32 {
  constructor(readonly v: number) {}
}
const f = (v: number) => new F32(v);

function block(fields: (number | F32)[]): ArrayBuffer {
  const buf = new ArrayBuffer(fields.length * 4);
  const u = new Uint32Array(buf);
  const fl = new Float32Array(buf);
  fields.forEach((x, i) => (x instanceof F32 ? (fl[i] = x.v) : (u[i] = x >>> 0)));
  return buf;
}

/** Workgroups for `groups` of the flat kernels: x at most 65,535, the rest in y (kernels skip the surplus). */
function flat(groups: number): [number, number] {
  const g = Math.max(1, groups);
  return g <= 65535 ? [g, 1] : [65535, Math.ceil(g / 65535)];
}

/** Ops recorded before a batch is sent (a bound on what waits in memory). */
const MAX_QUEUED = 4096;
/** How long a batch may take before the device thread is taken as hung. */
const WAIT_MS = 600_000;
/** How long opening the adapter and device may take. */
const OPEN_MS = 120_000;
/** The signal's values: nothing yet, an answer is waiting, the device thread is gone. */
export const SIGNAL = { idle: 0, answer: 1, dead: 2 } as const;

export class WebgpuKernels implements Kernels<GpuBuf> {
  readonly name = 'webgpu';
  private ops: Op[] = [];
  private nextId = 1;
  private held = 0;
  private readonly ints = new Map<number, Int32Array>();
  private readonly scratch = new Map<string, GpuBuf>();
  private readonly ropeCache = new Map<string, { cos: GpuBuf; sin: GpuBuf; T: number }>();
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
    readonly report: AdapterReport,
  ) {}

  static async create(): Promise<WebgpuKernels> {
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { port: port2, flag: signal.buffer }, transferList: [port2] });
    worker.unref();
    let failed: string | null = null;
    const onError = (e: Error) => (failed = `the WebGPU device thread failed: ${e.message}`);
    const onExit = (code: number) => (failed ??= `the WebGPU device thread exited (code ${code})`);
    worker.once('error', onError);
    worker.once('exit', onExit);
    const t0 = Date.now();
    let hello: Hello | null = null;
    while (!hello) {
      const m = receiveMessageOnPort(port1);
      if (m) hello = m.message as Hello;
      else if (failed) hello = { error: failed };
      else if (Date.now() - t0 > OPEN_MS) hello = { error: `opening the WebGPU adapter took more than ${OPEN_MS / 1000} s (a hung driver?)` };
      else await new Promise((r) => setTimeout(r, 5));
    }
    worker.off('error', onError);
    worker.off('exit', onExit);
    Atomics.store(signal, 0, SIGNAL.idle);
    if ('error' in hello) {
      await worker.terminate();
      throw new UserError(hello.error);
    }
    return new WebgpuKernels(worker, port1, signal, hello.ok);
  }

  describe(): string {
    const has = ['shader-f16', 'subgroups'].filter((x) => this.report.features.includes(x));
    const cpu = /llvmpipe|lavapipe|swiftshader|\(fallback\)/i.test(this.report.adapter) ? '; a CPU driver: right, not fast' : '';
    return `webgpu (${this.report.adapter}${has.length ? `; adapter has ${has.join(', ')}` : ''}${cpu})`;
  }

  /** Sends what is recorded and waits for the device; returns the reads' bytes in order. */
  private flush(): ArrayBuffer[] {
    if (this.closed) throw new Error('the WebGPU kernel set is closed');
    if (this.ops.length === 0) return [];
    const ops = this.ops;
    this.ops = [];
    this.port.postMessage({ ops }, ops.flatMap((o) => (o.op === 'write' ? [o.data] : o.op === 'run' ? [o.params] : [])));
    const a = this.await_() as Answer;
    if ('error' in a) throw new Error(`webgpu: ${a.error}`);
    return a.reads;
  }

  /** The device thread's answer; a hang or its death breaks the set for good (no later call takes a stale answer). */
  private await_(): unknown {
    if (Atomics.wait(this.signal, 0, SIGNAL.idle, WAIT_MS) === 'timed-out') return this.broken(`the device did not answer in ${WAIT_MS / 1000} s`);
    if (Atomics.load(this.signal, 0) === SIGNAL.dead) {
      const m = receiveMessageOnPort(this.port)?.message as { error?: string } | undefined;
      return this.broken(m?.error ? `the device thread died: ${m.error}` : 'the device thread exited');
    }
    Atomics.store(this.signal, 0, SIGNAL.idle);
    for (;;) {
      const m = receiveMessageOnPort(this.port);
      if (m) return m.message;
    }
  }

  private broken(why: string): never {
    this.closed = true;
    void this.worker.terminate();
    throw new Error(`webgpu: ${why}; the kernel set is closed (rerun, or use --backend cpu)`);
  }

  private push(o: Op): void {
    this.ops.push(o);
    // a read is sent by its caller, whose flush returns it: never by this bound
    if (o.op !== 'read' && this.ops.length >= MAX_QUEUED) this.flush();
  }

  private run(kernel: string, bind: GpuBuf[], fields: (number | F32)[], grid: [number, number]): void {
    const modes = shader(kernel).bindings;
    if (modes.length !== bind.length) throw new Error(`webgpu: kernel ${kernel} takes ${modes.length} buffers, got ${bind.length}`);
    bind.forEach((b, i) => {
      if (modes[i] === 'w' && bind.some((o, j) => j !== i && o.id === b.id)) throw new Error(`webgpu: kernel ${kernel} would write buffer ${i} through another binding too`);
    });
    this.push({ op: 'run', kernel, bind: bind.map((b) => b.id), params: block(fields), grid });
  }

  alloc(n: number): GpuBuf {
    const limit = this.report.limits.maxStorageBufferBindingSize;
    if (n * 4 > limit)
      throw new UserError(
        `webgpu: a buffer of ${(n * 4 / 2 ** 20).toFixed(1)} MiB is more than this adapter binds (${(limit / 2 ** 20).toFixed(0)} MiB, ${this.report.adapter}); ` +
          'the largest are the logits (batchSize x contextLength x vocabSize) and the attention probabilities (batchSize x heads x contextLength²): lower batchSize and raise gradAccum',
      );
    const b = { n, id: this.nextId++ };
    this.held += Math.max(4, n * 4);
    this.push({ op: 'alloc', id: b.id, bytes: n * 4 });
    return b;
  }

  private free(b: GpuBuf): void {
    this.held -= Math.max(4, b.n * 4);
    this.ints.delete(b.id);
    this.push({ op: 'free', id: b.id });
  }

  /** A scratch buffer of at least n elements that only grows. */
  private scratchBuf(name: string, n: number): GpuBuf {
    const s = this.scratch.get(name);
    if (s && s.n >= n) return s;
    if (s) this.free(s);
    const b = this.alloc(Math.max(n, 2 * (s?.n ?? 0)));
    this.scratch.set(name, b);
    return b;
  }

  write(b: GpuBuf, data: Float32Array, offset = 0): void {
    if (offset + data.length > b.n) throw new RangeError(`write of ${data.length} at ${offset} into a buffer of ${b.n}`);
    if (data.length === 0) return;
    this.ints.delete(b.id);
    this.push({ op: 'write', id: b.id, offset: offset * 4, data: Float32Array.from(data).buffer });
  }

  writeInts(b: GpuBuf, data: Int32Array): void {
    if (data.length > b.n) throw new RangeError(`write of ${data.length} ints into a buffer of ${b.n}`);
    if (data.length === 0) return;
    const copy = Int32Array.from(data);
    this.ints.set(b.id, copy); // the embedding gradient groups positions by token on this thread
    this.push({ op: 'write', id: b.id, offset: 0, data: copy.slice().buffer });
  }

  read(b: GpuBuf, offset = 0, n = b.n - offset): Float32Array {
    if (offset < 0 || n < 0 || offset + n > b.n) throw new RangeError(`read of ${n} at ${offset} from a buffer of ${b.n}`);
    if (n === 0) return new Float32Array(0);
    this.push({ op: 'read', id: b.id, offset: offset * 4, bytes: n * 4 });
    const reads = this.flush();
    if (reads.length !== 1 || reads[0].byteLength !== n * 4) throw new Error(`webgpu: a read of ${n} values came back as ${reads.length} reads`);
    return new Float32Array(reads[0]);
  }

  zero(bufs: GpuBuf[]): void {
    for (const b of bufs) {
      this.ints.delete(b.id);
      this.push({ op: 'zero', id: b.id });
    }
  }

  copy(dst: GpuBuf, src: GpuBuf, srcOffset: number, n: number): void {
    if (srcOffset < 0 || n < 0 || srcOffset + n > src.n || n > dst.n) throw new RangeError(`copy of ${n} at ${srcOffset} from a buffer of ${src.n} into one of ${dst.n}`);
    if (dst.id === src.id) throw new Error('webgpu: copy within one buffer');
    if (n === 0) return;
    this.ints.delete(dst.id);
    this.push({ op: 'copy', dst: dst.id, src: src.id, srcOffset: srcOffset * 4, bytes: n * 4 });
  }

  bytesHeld(): number {
    return this.held;
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      if (!this.closed) {
        this.port.postMessage({ close: true });
        this.await_();
        this.closed = true;
        this.port.close();
        await this.worker.terminate();
      }
    }
  }

  reserveScratch(s: { operand: number; transposed: number; T: number }): void {
    void s; // the column-sum and index scratch is sized by first use; attention keeps no T x T block here
  }

  matmul(out: GpuBuf, inp: GpuBuf, w: GpuBuf, bias: GpuBuf | null, N: number, K: number, M: number, accumulate: boolean): void {
    if (bias && accumulate) throw new Error('matmul: bias with accumulate');
    this.product(bias ? 'matmul_bias' : 'matmul', bias ? [out, inp, w, bias] : [out, inp, w], N, K, M, accumulate);
  }

  /** out[R, C] (+)= A'[R, K] @ B'[K, C] in 64 or 128 blocks (the same bits either way). */
  private product(kernel: string, bind: GpuBuf[], R: number, K: number, C: number, accumulate: boolean): void {
    const plan = matmulPlan(R, C);
    this.run(plan.big ? `${kernel}_big` : kernel, bind, [R, K, C, accumulate ? 1 : 0], plan.grid);
  }

  matmulNT(out: GpuBuf, inp: GpuBuf, w: GpuBuf, N: number, K: number, M: number, accumulate: boolean): void {
    this.product('matmul_nt', [out, inp, w], N, K, M, accumulate);
  }

  matmulTN(out: GpuBuf, a: GpuBuf, b: GpuBuf, N: number, K: number, M: number, accumulate: boolean): void {
    this.product('matmul_tn', [out, a, b], K, N, M, accumulate);
  }

  private blocks(N: number): number {
    const blocks = Math.ceil(N / COLSUM_ROWS);
    if (blocks > 65535) throw new Error(`webgpu: ${N} rows are more than the column sums take (${65535 * COLSUM_ROWS})`);
    return Math.max(1, blocks);
  }

  biasGrad(db: GpuBuf, dout: GpuBuf, N: number, M: number): void {
    const blocks = this.blocks(N);
    const part = this.scratchBuf('colsum', blocks * M);
    this.run('colsum_partial', [part, dout], [N, M], [Math.ceil(M / 64), blocks]);
    this.run('colsum_add', [db, part], [blocks, M], [Math.ceil(M / 64), 1]);
  }

  norm(out: GpuBuf, mean: GpuBuf, rstd: GpuBuf, inp: GpuBuf, w: GpuBuf, b: GpuBuf | null, N: number, C: number, eps: number, rms: boolean): void {
    this.run(b ? 'norm_bias' : 'norm', b ? [out, mean, rstd, inp, w, b] : [out, mean, rstd, inp, w], [N, C, f(eps), rms ? 1 : 0], flat(N));
  }

  normBackward(dinp: GpuBuf, dw: GpuBuf, db: GpuBuf | null, dout: GpuBuf, inp: GpuBuf, mean: GpuBuf, rstd: GpuBuf, w: GpuBuf, N: number, C: number, rms: boolean): void {
    this.run('norm_bwd_inp', [dinp, dout, inp, mean, rstd, w], [N, C, rms ? 1 : 0], flat(N));
    const blocks = this.blocks(N);
    const pw = this.scratchBuf('normW', blocks * C);
    const grid: [number, number] = [Math.ceil(C / 64), blocks];
    if (db) {
      const pb = this.scratchBuf('normB', blocks * C);
      this.run('norm_bwd_params_bias', [pw, pb, dout, inp, mean, rstd], [N, C, rms ? 1 : 0], grid);
      this.run('colsum_add', [db, pb], [blocks, C], [Math.ceil(C / 64), 1]);
    } else this.run('norm_bwd_params', [pw, dout, inp, mean, rstd], [N, C, rms ? 1 : 0], grid);
    this.run('colsum_add', [dw, pw], [blocks, C], [Math.ceil(C / 64), 1]);
  }

  private elementwise(kernel: string, bind: GpuBuf[], n: number, extra: (number | F32)[] = []): void {
    if (n > 0) this.run(kernel, bind, [n, ...extra], flat(Math.ceil(n / 256)));
  }

  gelu(out: GpuBuf, inp: GpuBuf, n: number): void {
    this.elementwise('gelu', [out, inp], n);
  }

  geluBackward(dinp: GpuBuf, dout: GpuBuf, inp: GpuBuf, n: number): void {
    this.elementwise('gelu_bwd', [dinp, dout, inp], n);
  }

  swiglu(out: GpuBuf, gate: GpuBuf, up: GpuBuf, n: number): void {
    this.elementwise('swiglu', [out, gate, up], n);
  }

  swigluBackward(dgate: GpuBuf, dup: GpuBuf, dout: GpuBuf, gate: GpuBuf, up: GpuBuf, n: number): void {
    this.elementwise('swiglu_bwd', [dgate, dup, dout, gate, up], n);
  }

  add(out: GpuBuf, a: GpuBuf, b: GpuBuf, n: number): void {
    if (out.id === a.id && out.id === b.id) throw new Error('webgpu: add of a buffer to itself in place');
    if (out.id === a.id) this.elementwise('add_inplace', [out, b], n);
    else if (out.id === b.id) this.elementwise('add_inplace', [out, a], n);
    else this.elementwise('add', [out, a, b], n);
  }

  dropout(out: GpuBuf, inp: GpuBuf, n: number, d: Dropout): void {
    const p = dropoutParams(d);
    const extra = [p.thresh, f(p.scale), p.seed];
    if (out.id === inp.id) this.elementwise('dropout_inplace', [out], n, extra);
    else this.elementwise('dropout', [out, inp], n, extra);
  }

  /** Tables for positions 0..T-1, one per head size and base (rows of a longer table serve shorter sequences). */
  private ropeTables(T: number, hd: number, base: number): { cos: GpuBuf; sin: GpuBuf } {
    const key = `${hd}/${base}`;
    let r = this.ropeCache.get(key);
    if (!r || r.T < T) {
      if (r) [r.cos, r.sin].forEach((b) => this.free(b));
      const t = ropeTables(Math.max(T, 2 * (r?.T ?? 0)), hd, base);
      const cos = this.alloc(t.cos.length);
      const sin = this.alloc(t.sin.length);
      this.write(cos, t.cos);
      this.write(sin, t.sin);
      r = { cos, sin, T: t.cos.length / (hd / 2) };
      this.ropeCache.set(key, r);
    }
    return r;
  }

  rope(qkv: GpuBuf, B: number, T: number, H: number, hd: number, base: number, inverse: boolean): void {
    const t = this.ropeTables(T, hd, base);
    const N = B * T;
    this.run('rope', [qkv, t.cos, t.sin], [N, T, H, hd, f(inverse ? -1 : 1)], flat(Math.ceil((N * H * hd) / 256)));
  }

  attentionStateSize(B: number, T: number, H: number, hd: number): number {
    return flashStateSize(B, T, H, hd);
  }

  private attnParams(B: number, T: number, H: number, hd: number, dropout: Dropout | null): (number | F32)[] {
    const p = dropout && dropout.p > 0 ? dropoutParams(dropout) : { thresh: 0, scale: 1, seed: 0 };
    return [B, T, H, f(1 / Math.sqrt(hd)), p.thresh, f(p.scale), p.seed];
  }

  /** FlashAttention: out and the state (a log-sum-exp per row, and a copy of out for the backward's D = dO . O). */
  attention(out: GpuBuf, state: GpuBuf, qkv: GpuBuf, B: number, T: number, H: number, hd: number, dropout: Dropout | null): void {
    this.run(`flash_fwd:${hd}`, [out, state, qkv], this.attnParams(B, T, H, hd, dropout), flat(B * H * Math.ceil(T / flashBlock(hd))));
  }

  attentionBackward(dqkv: GpuBuf, dout: GpuBuf, qkv: GpuBuf, state: GpuBuf, B: number, T: number, H: number, hd: number, dropout: Dropout | null): void {
    const p = this.attnParams(B, T, H, hd, dropout);
    const grid = flat(B * H * Math.ceil(T / flashBlock(hd)));
    this.run(`flash_bwd_q:${hd}`, [dqkv, state, dout, qkv], p, grid);
    this.run(`flash_bwd_kv:${hd}`, [dqkv, state, dout, qkv], p, grid);
  }

  embedding(out: GpuBuf, tokens: GpuBuf, wte: GpuBuf, wpe: GpuBuf | null, N: number, T: number, C: number): void {
    this.run(wpe ? 'embedding_pos' : 'embedding', wpe ? [out, tokens, wte, wpe] : [out, tokens, wte], [N, T, C], flat(Math.ceil((N * C) / 256)));
  }

  embeddingBackward(dwte: GpuBuf, dwpe: GpuBuf | null, dout: GpuBuf, tokens: GpuBuf, N: number, T: number, C: number): void {
    const ids = this.ints.get(tokens.id);
    if (!ids) throw new Error('webgpu: embeddingBackward needs a token buffer written by writeInts');
    // positions grouped by token id (ids ascending, positions ascending): [ids | starts | positions]
    const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => ids[a] - ids[b] || a - b);
    const uniq: number[] = [];
    const starts: number[] = [];
    order.forEach((pos, k) => {
      if (k === 0 || ids[pos] !== ids[order[k - 1]]) {
        uniq.push(ids[pos]);
        starts.push(k);
      }
    });
    starts.push(N);
    const U = uniq.length;
    const index = new Uint32Array(2 * U + 1 + N);
    index.set(uniq, 0);
    index.set(starts, U);
    index.set(order, 2 * U + 1);
    const buf = this.scratchBuf('embedIndex', index.length);
    this.ints.delete(buf.id);
    this.push({ op: 'write', id: buf.id, offset: 0, data: index.buffer });
    this.run('embedding_bwd_wte', [dwte, dout, buf], [U, C], flat(Math.ceil((U * C) / 256)));
    if (dwpe) this.run('embedding_bwd_wpe', [dwpe, dout], [N, T, C], flat(Math.ceil((T * C) / 256)));
  }

  crossEntropy(logits: GpuBuf, losses: GpuBuf, targets: GpuBuf, N: number, V: number, gradScale: number): void {
    this.run('cross_entropy', [logits, losses, targets], [N, V, f(gradScale)], flat(N));
  }

  adamw(params: GpuBuf[], grads: GpuBuf[], m: GpuBuf[], v: GpuBuf[], decay: boolean[], h: AdamWStep): void {
    const bc1 = 1 - Math.pow(h.beta1, h.t);
    const bc2 = 1 - Math.pow(h.beta2, h.t);
    params.forEach((p, i) => {
      const wd = decay[i] ? h.weightDecay : 0;
      this.elementwise('adamw', [p, grads[i], m[i], v[i]], p.n, [f(h.beta1), f(h.beta2), f(h.eps), f(1 - h.lr * wd), f(h.lr / bc1), f(Math.sqrt(bc2)), f(h.gradScale)]);
    });
  }

  sumSquares(bufs: GpuBuf[]): number {
    const chunks = bufs.map((b) => Math.ceil(b.n / SUMSQ_CHUNK));
    const total = chunks.reduce((a, b) => a + b, 0);
    if (total === 0) return 0;
    const part = this.scratchBuf('sumsq', total);
    let at = 0;
    bufs.forEach((b, i) => {
      if (chunks[i] > 0) this.run('sumsq', [part, b], [b.n, at], flat(chunks[i]));
      at += chunks[i];
    });
    const sums = this.read(part, 0, total);
    let s = 0;
    for (const x of sums) s += x;
    return s;
  }
}
