// The kernel sets' conformance suite: every kernel of every set, on seeded random inputs at awkward shapes, against
// the float64 reference (kernelReference.ts) within the tolerances below; and the CPU set's bit-identity across
// thread counts. SLUICE_KERNEL_ERRORS=1 prints the worst error each kernel reached, as a share of its tolerance.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../datasets/errors.js';
import { prng } from '../../datasets/prng.js';
import { CpuKernels } from '../../trainer/kernels/cpu/cpuKernels.js';
import type { AdamWStep, Buf, Dropout, Kernels } from '../../trainer/kernels/kernels.js';
import { TfjsKernels } from '../../trainer/kernels/tfjs/tfjsKernels.js';
import * as ref from './kernelReference.js';
import { openWebgpu } from './webgpuDevice.js';

/**
 * Tolerances. An element passes when |got - want| <= abs · scale + rel · |want|, where want is the float64 reference
 * on the same float32 inputs and scale is max |want| over that output: an element that cancels to about 0 is
 * judged against the size of its output, not its own. Float32 rounds at 6e-8; the kernels' exp is good to ~1e-7.
 */
const TOLERANCE = {
  matmul: { rel: 1e-5, abs: 1e-5 },
  matmulNT: { rel: 1e-5, abs: 1e-5 },
  matmulTN: { rel: 1e-5, abs: 1e-5 },
  biasGrad: { rel: 1e-5, abs: 1e-5 },
  norm: { rel: 1e-5, abs: 1e-5 },
  normBackward: { rel: 1e-5, abs: 1e-5 },
  gelu: { rel: 2e-6, abs: 2e-6 },
  /** 1 - tanh² cancels where |x| is large: float32 loses ~1e-6 of the output's scale there. */
  geluBackward: { rel: 5e-6, abs: 5e-6 },
  swiglu: { rel: 2e-6, abs: 2e-6 },
  swigluBackward: { rel: 2e-6, abs: 2e-6 },
  add: { rel: 2e-7, abs: 1e-7 },
  dropout: { rel: 2e-7, abs: 1e-7 },
  rope: { rel: 1e-6, abs: 1e-6 },
  attention: { rel: 2e-5, abs: 2e-5 },
  attentionBackward: { rel: 2e-5, abs: 2e-5 },
  embedding: { rel: 2e-7, abs: 1e-7 },
  embeddingBackward: { rel: 1e-6, abs: 1e-6 },
  crossEntropy: { rel: 1e-5, abs: 1e-5 },
  /** params, m and v. */
  adamw: { rel: 1e-6, abs: 1e-6 },
  /** The step itself (new - old params, ~1e-4): new params round at 6e-8 of |p|, a few 1e-4 of the step. */
  adamwStep: { rel: 2e-3, abs: 2e-3 },
  sumSquares: { rel: 1e-5, abs: 0 },
} as const;

type KernelName = Exclude<keyof typeof TOLERANCE, 'adamwStep'>;
interface Tol {
  rel: number;
  abs: number;
}

/** Elements after each buffer's used part, preset to a sentinel that must survive (nothing writes past its shape). */
const GUARD = 5;
const SENTINEL = 777.25;

interface SetSpec {
  name: string;
  open: () => Promise<Kernels>;
  /** What describe() says. */
  describes: RegExp;
  /** CPU sets whose outputs must be bit-identical to each other (same build, any thread count). */
  bitGroup?: string;
  /** TF.js: probs' masked half is zero and crossEntropy with gradScale 0 leaves the logits alone. */
  strict?: boolean;
  /** Why this set cannot run here. */
  skip?: string;
}

const cpu = (threads: number, noRelaxedSimd = false) => async () => (await CpuKernels.create({ threads, noRelaxedSimd })) as unknown as Kernels;
const tfjs = (backend: 'cpu' | 'wasm') => async () => (await TfjsKernels.create(backend)) as unknown as Kernels;

const SETS: SetSpec[] = [
  { name: 'cpu, 1 thread', open: cpu(1), describes: /^cpu \(WebAssembly (relaxed SIMD \(FMA\)|SIMD), 1 thread\)$/, bitGroup: 'cpu' },
  { name: 'cpu, 2 threads', open: cpu(2), describes: /^cpu \(WebAssembly (relaxed SIMD \(FMA\)|SIMD), 2 threads\)$/, bitGroup: 'cpu' },
  { name: 'cpu, 3 threads', open: cpu(3), describes: /^cpu \(WebAssembly (relaxed SIMD \(FMA\)|SIMD), 3 threads\)$/, bitGroup: 'cpu' },
  { name: 'cpu, plain SIMD, 2 threads', open: cpu(2, true), describes: /^cpu \(WebAssembly SIMD, 2 threads\)$/ },
  { name: 'tfjs, cpu backend', open: tfjs('cpu'), describes: /^tensorflow\.js \(cpu\)$/, strict: true },
  { name: 'tfjs, wasm backend', open: tfjs('wasm'), describes: /^tensorflow\.js \(wasm, (SIMD|no SIMD)\)$/, strict: true },
];
// The WebGPU set twice, on two devices: the same bits from run to run (no float atomics, fixed reduction order).
for (const run of ['first device', 'second device']) {
  const g = await openWebgpu();
  SETS.push({
    name: `webgpu, ${run}`,
    open: async () => ('k' in g ? g.k : Promise.reject(new Error(g.reason))),
    describes: /^webgpu \(.+\)$/,
    bitGroup: 'webgpu',
    skip: 'reason' in g ? g.reason : undefined,
  });
}

// --- inputs ---

let nextSeed = 1;
/** n seeded uniform values in [lo, hi), each case's inputs from its own seed. */
function rand(n: number, lo = -1, hi = 1): Float32Array {
  const r = prng(nextSeed++ * 7919);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}
function randInts(n: number, below: number): Int32Array {
  const r = prng(nextSeed++ * 7919);
  return Int32Array.from({ length: n }, () => Math.floor(r() * below));
}
const f64 = (x: Float32Array) => Float64Array.from(x);

// --- running a case on a kernel set ---

interface Out {
  what: string;
  /** float32 outputs; sumSquares' float64 sum. */
  got: Float32Array | Float64Array;
  want: ArrayLike<number>;
  tol: Tol;
  /** Only these elements are compared (attention's causal half). */
  pick?: (i: number) => boolean;
  /** Whether the buffer's guard elements kept the sentinel. */
  guardOk: boolean;
  /** Elements that must be exactly these values (TF.js probs' masked half). */
  exact?: { pick: (i: number) => boolean; value: number };
}

/** One kernel set's buffers for one case: every buffer is its data followed by GUARD sentinels. */
class Bench {
  private readonly r: () => number;
  constructor(
    readonly k: Kernels,
    readonly strict: boolean,
    seed: number,
  ) {
    this.r = prng(seed);
  }
  /** Values for the outputs' initial contents, the same on every set (the CPU set's untouched elements compare). */
  junk(n: number): Float32Array {
    return Float32Array.from({ length: n }, () => this.r() * 2 - 1);
  }
  buf(data: Float32Array): Buf {
    const b = this.k.alloc(data.length + GUARD);
    this.k.write(b, data);
    this.k.write(b, new Float32Array(GUARD).fill(SENTINEL), data.length);
    return b;
  }
  /** A buffer of exactly these values (AdamW and sumSquares take whole buffers). */
  exact(data: Float32Array): Buf {
    const b = this.k.alloc(data.length);
    this.k.write(b, data);
    return b;
  }
  ints(data: Int32Array): Buf {
    const b = this.k.alloc(data.length + GUARD);
    this.k.writeInts(b, data);
    return b;
  }
  /** The first n elements of b, compared with want. */
  out(what: string, b: Buf, n: number, want: ArrayLike<number>, tol: Tol, pick?: (i: number) => boolean): Out {
    assert.equal(want.length, n, `${what}: the reference has ${want.length} elements, not ${n}`);
    const guard = b.n > n ? this.k.read(b, n, b.n - n) : new Float32Array(0);
    return { what, got: this.k.read(b, 0, n), want, tol, pick, guardOk: guard.every((x) => x === SENTINEL) };
  }
}

interface Case {
  kernel: KernelName;
  label: string;
  run(h: Bench): Out[];
}

const CASES: Case[] = [];
const tol = (k: keyof typeof TOLERANCE): Tol => TOLERANCE[k];
/** A value computed once, on first use (the reference of a case, shared by every kernel set). */
function once<T>(f: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= f());
}

// --- the cases ---

const GEMM_SHAPES: [number, number, number][] = [
  [13, 300, 21], // N not a multiple of 4, M not of 8, K past one 256 block
  [300, 13, 21], // matmulTN's inner dimension is N: past one block there
  [64, 64, 64],
  [7, 520, 9], // three K blocks
  [1, 5, 3],
  [300, 270, 260], // outputs of 256 x 256 and up: the WebGPU set's 128 x 128 blocks, with edges
];

for (const [N, K, M] of GEMM_SHAPES) {
  for (const [accumulate, withBias] of [[false, false], [false, true], [true, false]]) {
    const x = rand(N * K), w = rand(K * M), bias = rand(M), init = rand(N * M);
    const want = once(() => ref.matmul(accumulate ? f64(init) : null, f64(x), f64(w), withBias ? f64(bias) : null, N, K, M));
    CASES.push({
      kernel: 'matmul',
      label: `N=${N} K=${K} M=${M}${withBias ? ' bias' : ''}${accumulate ? ' +=' : ''}`,
      run: (h) => {
        const out = h.buf(init);
        h.k.matmul(out, h.buf(x), h.buf(w), withBias ? h.buf(bias) : null, N, K, M, accumulate);
        return [h.out('out', out, N * M, want(), tol('matmul'))];
      },
    });
  }
  for (const accumulate of [false, true]) {
    const x = rand(N * K), w = rand(M * K), init = rand(N * M);
    const want = once(() => ref.matmulNT(accumulate ? f64(init) : null, f64(x), f64(w), N, K, M));
    CASES.push({
      kernel: 'matmulNT',
      label: `N=${N} K=${K} M=${M}${accumulate ? ' +=' : ''}`,
      run: (h) => {
        const out = h.buf(init);
        h.k.matmulNT(out, h.buf(x), h.buf(w), N, K, M, accumulate);
        return [h.out('out', out, N * M, want(), tol('matmulNT'))];
      },
    });
    const a = rand(N * K), b = rand(N * M), initTN = rand(K * M);
    const wantTN = once(() => ref.matmulTN(accumulate ? f64(initTN) : null, f64(a), f64(b), N, K, M));
    CASES.push({
      kernel: 'matmulTN',
      label: `N=${N} K=${K} M=${M}${accumulate ? ' +=' : ''}`,
      run: (h) => {
        const out = h.buf(initTN);
        h.k.matmulTN(out, h.buf(a), h.buf(b), N, K, M, accumulate);
        return [h.out('out', out, K * M, wantTN(), tol('matmulTN'))];
      },
    });
  }
}

for (const [N, M] of [[13, 21], [64, 64], [1, 3], [300, 7]]) {
  const dout = rand(N * M), db = rand(M);
  const want = once(() => ref.biasGrad(f64(db), f64(dout), N, M));
  CASES.push({
    kernel: 'biasGrad',
    label: `N=${N} M=${M}`,
    run: (h) => {
      const b = h.buf(db);
      h.k.biasGrad(b, h.buf(dout), N, M);
      return [h.out('db', b, M, want(), tol('biasGrad'))];
    },
  });
}

for (const [N, C] of [[5, 13], [8, 64], [1, 3], [3, 300]]) {
  for (const rms of [false, true]) {
    for (const withBias of [false, true]) {
      const label = `N=${N} C=${C} ${rms ? 'RMSNorm' : 'LayerNorm'}${withBias ? ' bias' : ''}`;
      const eps = 1e-5;
      const x = rand(N * C, -1.7, 2.3), w = rand(C, 0.5, 1.5), b = rand(C);
      const fwd = once(() => ref.norm(f64(x), f64(w), withBias ? f64(b) : null, N, C, eps, rms));
      CASES.push({
        kernel: 'norm',
        label,
        run: (h) => {
          const out = h.buf(h.junk(N * C));
          const mean = h.buf(h.junk(N));
          const rstd = h.buf(h.junk(N));
          h.k.norm(out, mean, rstd, h.buf(x), h.buf(w), withBias ? h.buf(b) : null, N, C, eps, rms);
          const outs = [h.out('out', out, N * C, fwd().out, tol('norm')), h.out('rstd', rstd, N, fwd().rstd, tol('norm'))];
          if (!rms) outs.push(h.out('mean', mean, N, fwd().mean, tol('norm')));
          return outs;
        },
      });
      // The backward pass from the reference's mean and rstd (in float32, as a kernel set keeps them); RMSNorm's
      // mean buffer holds garbage, which it must not read.
      const dout = rand(N * C), dinp0 = rand(N * C), dw0 = rand(C), db0 = rand(C);
      const stats = once(() => ({ mean: rms ? rand(N) : Float32Array.from(fwd().mean), rstd: Float32Array.from(fwd().rstd) }));
      const bwd = once(() => ref.normBackward(f64(dinp0), f64(dw0), withBias ? f64(db0) : null, f64(dout), f64(x), f64(stats().mean), f64(stats().rstd), f64(w), N, C, rms));
      CASES.push({
        kernel: 'normBackward',
        label,
        run: (h) => {
          const dinp = h.buf(dinp0), dw = h.buf(dw0), db = withBias ? h.buf(db0) : null;
          h.k.normBackward(dinp, dw, db, h.buf(dout), h.buf(x), h.buf(stats().mean), h.buf(stats().rstd), h.buf(w), N, C, rms);
          const outs = [h.out('dinp', dinp, N * C, bwd().dinp, tol('normBackward')), h.out('dw', dw, C, bwd().dw, tol('normBackward'))];
          if (db) outs.push(h.out('db', db, C, bwd().db!, tol('normBackward')));
          return outs;
        },
      });
    }
  }
}

// Lengths past one 1024-element chunk (the CPU set's unit of work) and with tails shorter than 4.
const LENGTHS = [1, 3, 13, 2053];

for (const n of LENGTHS) {
  const x = rand(n, -5, 5), dout = rand(n), gate = rand(n, -6, 6), up = rand(n, -2, 2), a = rand(n), b = rand(n);
  const gelu = once(() => ref.gelu(f64(x)));
  const geluB = once(() => ref.geluBackward(f64(dout), f64(x)));
  const sw = once(() => ref.swiglu(f64(gate), f64(up)));
  const swB = once(() => ref.swigluBackward(f64(dout), f64(gate), f64(up)));
  const sum = once(() => ref.add(f64(a), f64(b)));
  CASES.push(
    {
      kernel: 'gelu',
      label: `n=${n}`,
      run: (h) => {
        const out = h.buf(h.junk(n));
        h.k.gelu(out, h.buf(x), n);
        return [h.out('out', out, n, gelu(), tol('gelu'))];
      },
    },
    {
      kernel: 'geluBackward',
      label: `n=${n}`,
      run: (h) => {
        const dinp = h.buf(h.junk(n));
        h.k.geluBackward(dinp, h.buf(dout), h.buf(x), n);
        return [h.out('dinp', dinp, n, geluB(), tol('geluBackward'))];
      },
    },
    {
      kernel: 'swiglu',
      label: `n=${n}`,
      run: (h) => {
        const out = h.buf(h.junk(n));
        h.k.swiglu(out, h.buf(gate), h.buf(up), n);
        return [h.out('out', out, n, sw(), tol('swiglu'))];
      },
    },
    {
      kernel: 'swigluBackward',
      label: `n=${n}`,
      run: (h) => {
        const dg = h.buf(h.junk(n)), du = h.buf(h.junk(n));
        h.k.swigluBackward(dg, du, h.buf(dout), h.buf(gate), h.buf(up), n);
        return [h.out('dgate', dg, n, swB().dgate, tol('swigluBackward')), h.out('dup', du, n, swB().dup, tol('swigluBackward'))];
      },
    },
    {
      kernel: 'add',
      label: `n=${n}`,
      run: (h) => {
        const out = h.buf(h.junk(n));
        h.k.add(out, h.buf(a), h.buf(b), n);
        const inPlace = h.buf(a); // out aliasing a
        h.k.add(inPlace, inPlace, h.buf(b), n);
        return [h.out('out', out, n, sum(), tol('add')), h.out('out (aliasing a)', inPlace, n, sum(), tol('add'))];
      },
    },
  );
  for (const p of [0, 0.3]) {
    const d: Dropout = { p, seed: 12345 + n };
    const want = once(() => ref.dropout(f64(x), d));
    CASES.push({
      kernel: 'dropout',
      label: `n=${n} p=${p}`,
      run: (h) => {
        const out = h.buf(h.junk(n));
        h.k.dropout(out, h.buf(x), n, d);
        const inPlace = h.buf(x);
        h.k.dropout(inPlace, inPlace, n, d);
        return [h.out('out', out, n, want(), tol('dropout')), h.out('out (aliasing inp)', inPlace, n, want(), tol('dropout'))];
      },
    });
  }
}

/** [B, T, H, hd]: head sizes 4 and 8, T = 1 and 7, a T past 32; head sizes past the CPU set's 32-float blocks. */
const ATTN_SHAPES: [number, number, number, number][] = [
  [2, 7, 3, 4],
  [1, 1, 2, 8],
  [3, 5, 2, 8],
  [1, 33, 2, 8],
  [1, 9, 1, 34],
  [2, 6, 2, 64],
  [1, 20, 2, 64], // the WebGPU set's FlashAttention in three blocks of 8 rows
];

for (const [B, T, H, hd] of ATTN_SHAPES) {
  const d = H * hd;
  for (const inverse of [false, true]) {
    const qkv = rand(B * T * 3 * d, -2, 2);
    const base = inverse ? 500 : 10000;
    const want = once(() => ref.rope(f64(qkv), B, T, H, hd, base, inverse));
    CASES.push({
      kernel: 'rope',
      label: `B=${B} T=${T} H=${H} hd=${hd}${inverse ? ' inverse' : ''}`,
      run: (h) => {
        const b = h.buf(qkv);
        h.k.rope(b, B, T, H, hd, base, inverse);
        return [h.out('qkv', b, B * T * 3 * d, want(), tol('rope'))];
      },
    });
  }
  const causal = (i: number) => i % T <= Math.floor(i / T) % T; // probs [B, H, T, T]: column <= row
  for (const drop of [null, { p: 0, seed: 9 }, { p: 0.3, seed: 77 }] as (Dropout | null)[]) {
    const label = `B=${B} T=${T} H=${H} hd=${hd} dropout ${drop ? `p=${drop.p}` : 'null'}`;
    const qkv = rand(B * T * 3 * d, -2, 2);
    const fwd = once(() => ref.attention(f64(qkv), B, T, H, hd, drop));
    CASES.push({
      kernel: 'attention',
      label,
      run: (h) => {
        const out = h.buf(h.junk(B * T * d));
        const state = h.k.attentionStateSize?.(B, T, H, hd);
        const probs = h.buf(h.junk(state ?? B * H * T * T));
        h.k.attention(out, probs, h.buf(qkv), B, T, H, hd, drop);
        const o = h.out('out', out, B * T * d, fwd().out, tol('attention'));
        // a set that keeps its own state (FlashAttention: no probabilities) is checked through its backward
        if (state !== undefined) return [o];
        const p = h.out('probs (causal half)', probs, B * H * T * T, fwd().probs, tol('attention'), causal);
        if (h.strict) p.exact = { pick: (i) => !causal(i), value: 0 };
        return [o, p];
      },
    });
    // The backward pass from the reference's probs (float32), garbage in the masked half, which it must not read.
    const dout = rand(B * T * d);
    const probsIn = once(() => {
      const g = rand(B * H * T * T, 0, 1);
      return g.map((v, i) => (causal(i) ? fwd().probs[i] : v));
    });
    const bwd = once(() => ref.attentionBackward(f64(dout), f64(qkv), f64(probsIn()), B, T, H, hd, drop));
    CASES.push({
      kernel: 'attentionBackward',
      label,
      run: (h) => {
        const dqkv = h.buf(h.junk(B * T * 3 * d));
        const state = h.k.attentionStateSize?.(B, T, H, hd);
        const q = h.buf(qkv);
        const probs = state === undefined ? h.buf(probsIn()) : h.buf(h.junk(state));
        // a set with its own state gets it from its forward on the same qkv
        if (state !== undefined) h.k.attention(h.buf(h.junk(B * T * d)), probs, q, B, T, H, hd, drop);
        h.k.attentionBackward(dqkv, h.buf(dout), q, probs, B, T, H, hd, drop);
        return [h.out('dqkv', dqkv, B * T * 3 * d, bwd(), tol('attentionBackward'))];
      },
    });
  }
}

/** [N, T, C, V] with N = B·T and repeated tokens. */
for (const [N, T, C, V] of [[14, 7, 13, 11], [1, 1, 4, 3], [64, 16, 33, 50]]) {
  for (const withPos of [false, true]) {
    const label = `N=${N} T=${T} C=${C} V=${V}${withPos ? ' wpe' : ''}`;
    const tokens = randInts(N, V), wte = rand(V * C), wpe = rand(T * C), dout = rand(N * C), dwte0 = rand(V * C), dwpe0 = rand(T * C);
    const fwd = once(() => ref.embedding(tokens, f64(wte), withPos ? f64(wpe) : null, N, T, C));
    const bwd = once(() => ref.embeddingBackward(f64(dwte0), withPos ? f64(dwpe0) : null, f64(dout), tokens, N, T, C));
    CASES.push(
      {
        kernel: 'embedding',
        label,
        run: (h) => {
          const out = h.buf(h.junk(N * C));
          // wte and wpe exact: the TF.js set takes the vocabulary size from wte's length
          h.k.embedding(out, h.ints(tokens), h.exact(wte), withPos ? h.buf(wpe) : null, N, T, C);
          return [h.out('out', out, N * C, fwd(), tol('embedding'))];
        },
      },
      {
        kernel: 'embeddingBackward',
        label,
        run: (h) => {
          const dwte = h.exact(dwte0), dwpe = withPos ? h.buf(dwpe0) : null;
          h.k.embeddingBackward(dwte, dwpe, h.buf(dout), h.ints(tokens), N, T, C);
          const outs = [h.out('dwte', dwte, V * C, bwd().dwte, tol('embeddingBackward'))];
          if (dwpe) outs.push(h.out('dwpe', dwpe, T * C, bwd().dwpe!, tol('embeddingBackward')));
          return outs;
        },
      },
    );
  }
}

for (const [N, V] of [[5, 13], [3, 1000], [1, 3], [7, 257]]) {
  for (const gradScale of [0, 0.125, -1.5]) {
    const logits = rand(N * V, -8, 8), targets = randInts(N, V);
    const want = once(() => ref.crossEntropy(f64(logits), targets, N, V, gradScale));
    CASES.push({
      kernel: 'crossEntropy',
      label: `N=${N} V=${V} gradScale=${gradScale}`,
      run: (h) => {
        const l = h.buf(logits), losses = h.buf(h.junk(N));
        h.k.crossEntropy(l, losses, h.ints(targets), N, V, gradScale);
        const outs = [h.out('losses', losses, N, want().losses, tol('crossEntropy'))];
        if (gradScale !== 0) outs.push(h.out('logits (their gradient)', l, N * V, want().grad, tol('crossEntropy')));
        else if (h.strict) outs.push(h.out('logits (unchanged at gradScale 0)', l, N * V, f64(logits), { rel: 0, abs: 0 }));
        return outs;
      },
    });
  }
}

for (const [t, gradScale] of [[1, 1], [10, 0.5]]) {
  const sizes = [1, 13, 2053];
  const decay = [true, false, true];
  const hp: AdamWStep = { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, t, gradScale };
  const p0 = sizes.map((n) => rand(n));
  const g0 = sizes.map((n) => rand(n));
  // a first step starts from zero moments; a later one from moments of a plausible size
  const m0 = sizes.map((n) => (t === 1 ? new Float32Array(n) : rand(n, -0.05, 0.05)));
  const v0 = sizes.map((n) => (t === 1 ? new Float32Array(n) : rand(n, 0, 1e-2)));
  const want = once(() => ref.adamw(p0.map(f64), g0.map(f64), m0.map(f64), v0.map(f64), decay, hp));
  CASES.push({
    kernel: 'adamw',
    label: `t=${t} gradScale=${gradScale}`,
    run: (h) => {
      const P = p0.map((x) => h.exact(x)), G = g0.map((x) => h.exact(x)), M = m0.map((x) => h.exact(x)), Vb = v0.map((x) => h.exact(x));
      h.k.adamw(P, G, M, Vb, decay, hp);
      return sizes.flatMap((n, i) => {
        const p = h.out(`params[${i}]`, P[i], n, want().params[i], tol('adamw'));
        const step = { ...p, what: `step[${i}] (new - old params)`, got: p.got.map((x, j) => x - p0[i][j]), want: want().params[i].map((x, j) => x - p0[i][j]), tol: tol('adamwStep') };
        return [p, step, h.out(`m[${i}]`, M[i], n, want().m[i], tol('adamw')), h.out(`v[${i}]`, Vb[i], n, want().v[i], tol('adamw'))];
      });
    },
  });
}

for (const sizes of [[5], [13, 2053, 1, 4096]]) {
  const xs = sizes.map((n) => rand(n, -3, 3));
  const want = once(() => ref.sumSquares(xs.map(f64)));
  CASES.push({
    kernel: 'sumSquares',
    label: `sizes ${sizes.join(',')}`,
    run: (h) => {
      const got = h.k.sumSquares(xs.map((x) => h.exact(x)));
      return [{ what: 'sum', got: Float64Array.of(got), want: [want()], tol: tol('sumSquares'), guardOk: true }];
    },
  });
}

// --- checking ---

/** The worst share of its tolerance an output used, per kernel and set (for SLUICE_KERNEL_ERRORS). */
const worst = new Map<string, Map<KernelName, number>>();

/** Asserts got ≈ want element by element; returns the largest share of the tolerance used. */
function check(o: Out, where: string): number {
  assert.ok(o.guardOk, `${where} ${o.what}: wrote past the end of its shape`);
  let scale = 0;
  for (let i = 0; i < o.want.length; i++) if (!o.pick || o.pick(i)) scale = Math.max(scale, Math.abs(o.want[i]));
  assert.ok(scale > 0, `${where} ${o.what}: the reference is all zero, so the comparison would mean nothing`);
  let share = 0;
  let at = -1;
  for (let i = 0; i < o.want.length; i++) {
    if (o.pick && !o.pick(i)) continue;
    const err = Math.abs(o.got[i] - o.want[i]);
    const limit = o.tol.abs * scale + o.tol.rel * Math.abs(o.want[i]);
    const s = err === 0 ? 0 : limit === 0 ? Infinity : err / limit;
    if (!(s <= share)) {
      share = Number.isNaN(s) ? Infinity : s;
      at = i;
    }
  }
  assert.ok(share <= 1, `${where} ${o.what}: element ${at} is ${o.got[at]}, the reference ${o.want[at]} (|error| ${Math.abs(o.got[at] - o.want[at]).toExponential(2)}, allowed ${(o.tol.abs * scale + o.tol.rel * Math.abs(o.want[at])).toExponential(2)}; output scale ${scale.toExponential(2)})`);
  if (o.exact) {
    const e = o.exact;
    for (let i = 0; i < o.got.length; i++) if (e.pick(i)) assert.equal(o.got[i], e.value, `${where} ${o.what}: element ${i} should be ${e.value}`);
  }
  return share;
}

/** Outputs of the bit-identity group's sets: set name -> case index -> outputs' bytes. */
const bits = new Map<string, Map<number, Uint8Array[]>>();

const KERNELS = [...new Set(CASES.map((c) => c.kernel))];

for (const set of SETS) {
  describe(`kernels: ${set.name}`, { skip: set.skip ?? false }, () => {
    let k: Kernels;
    before(async () => {
      k = await set.open();
    });
    after(async () => {
      await k?.dispose();
    });

    test('describes itself', () => {
      assert.match(k.describe(), set.describes);
    });

    for (const kernel of KERNELS) {
      test(kernel, () => {
        // Every case runs (and its bits are kept for the thread-count comparison) before any is checked.
        const ran: [Case, Out[]][] = [];
        CASES.forEach((c, ci) => {
          if (c.kernel !== kernel) return;
          const outs = c.run(new Bench(k, !!set.strict, 1000 + ci));
          ran.push([c, outs]);
          if (set.bitGroup) {
            const m = bits.get(set.name) ?? new Map<number, Uint8Array[]>();
            bits.set(set.name, m);
            m.set(ci, outs.map((o) => new Uint8Array(o.got.slice().buffer)));
          }
        });
        const w = worst.get(set.name) ?? new Map<KernelName, number>();
        worst.set(set.name, w);
        for (const [c, outs] of ran) for (const o of outs) w.set(kernel, Math.max(w.get(kernel) ?? 0, check(o, `${kernel} ${c.label}:`)));
      });
    }

    if (set.strict)
      test('leaks no tensors (each kernel disposes what it made and what it replaced)', () => {
        let allocs = 0;
        // k, except that alloc counts the buffers (one tensor each) a case makes
        const counting = new Proxy(k, {
          get(target, prop) {
            if (prop === 'alloc') return (n: number) => (allocs++, target.alloc(n));
            const v = Reflect.get(target, prop) as unknown;
            return typeof v === 'function' ? v.bind(target) : v;
          },
        });
        CASES.forEach((c, ci) => {
          const before = tf.memory().numTensors;
          allocs = 0;
          c.run(new Bench(counting, true, 1000 + ci));
          assert.equal(tf.memory().numTensors, before + allocs, `${c.kernel} ${c.label}: tensors left behind`);
        });
      });

    test('a read after thousands of queued calls returns its own values (a set that batches calls flushes them right)', () => {
      const b = k.alloc(3);
      for (let queued = 4093; queued <= 4097; queued++) {
        k.read(b, 0, 1); // nothing left queued
        for (let i = 0; i < queued; i++) k.zero([b]);
        k.write(b, Float32Array.of(queued, 2, 3));
        assert.deepEqual([...k.read(b)], [queued, 2, 3], `after ${queued} calls`);
      }
    });

    test('reads and writes at offsets, copies, zeroes, counts its bytes', () => {
      const b = k.alloc(10);
      assert.deepEqual([...k.read(b)], new Array(10).fill(0), 'alloc zeroes');
      k.write(b, Float32Array.of(1, 2, 3), 4);
      assert.deepEqual([...k.read(b, 3, 5)], [0, 1, 2, 3, 0]);
      const c = k.alloc(6);
      k.write(c, Float32Array.of(9, 9, 9, 9, 9, 9));
      k.copy(c, b, 4, 3);
      assert.deepEqual([...k.read(c)], [1, 2, 3, 9, 9, 9]);
      k.zero([b, c]);
      assert.deepEqual([...k.read(b), ...k.read(c)], new Array(16).fill(0));
      assert.ok(k.bytesHeld() >= 64, 'bytesHeld counts the buffers');
    });
  });
}

describe('kernels: TF.js backends that need an optional package', () => {
  const installed = (name: string) => {
    try {
      createRequire(import.meta.url).resolve(name);
      return true;
    } catch {
      return false;
    }
  };
  const cases: [string, 'tensorflow' | 'webgpu', string[], RegExp][] = [
    ['tensorflow', 'tensorflow', ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'], /npm install @tensorflow\/tfjs-node-gpu/],
    ['tfjs-webgpu', 'webgpu', ['@tensorflow/tfjs-backend-webgpu'], /tfjs-backend-webgpu@4\.22\.0/],
  ];
  for (const [label, backend, pkgs, message] of cases) {
    const skip = pkgs.some(installed) ? `${pkgs.join(' or ')} is installed here` : false;
    test(`${label}: says what to install when it is missing`, { skip }, async () => {
      await assert.rejects(TfjsKernels.create(backend), (e: unknown) => e instanceof UserError && message.test(e.message));
    });
  }
});

const GROUPS: [string, string][] = [
  ['cpu', 'the CPU set gives the same bits on 1, 2 and 3 threads'],
  ['webgpu', 'the WebGPU set gives the same bits on two devices (run to run)'],
];
for (const [group, title] of GROUPS) {
  const members = SETS.filter((s) => s.bitGroup === group);
  const skip = members.find((s) => s.skip)?.skip ?? false;
  describe(`kernels: ${title}`, { skip }, () => {
    test('every output of every case', () => {
      const names = members.map((s) => s.name);
      const [first, ...rest] = names.map((n) => bits.get(n));
      assert.ok(first && first.size === CASES.length, `${names[0]} ran every case`);
      for (const [ri, other] of rest.entries()) {
        assert.ok(other && other.size === CASES.length);
        for (const [ci, outs] of first) {
          const o = other.get(ci)!;
          outs.forEach((a, j) => {
            const b = o[j];
            assert.equal(b.length, a.length);
            const diff = a.findIndex((x, i) => x !== b[i]);
            assert.equal(diff, -1, `${CASES[ci].kernel} ${CASES[ci].label}: output ${j}, byte ${diff}, differs between ${names[0]} and ${names[ri + 1]}`);
          });
        }
      }
    });
  });
}

after(() => {
  if (process.env.SLUICE_KERNEL_ERRORS !== '1') return;
  const names = [...worst.keys()];
  const lines = [`worst error as a share of the tolerance\n${'kernel'.padEnd(20)}${names.map((n) => n.slice(0, 26).padStart(28)).join('')}`];
  for (const k of KERNELS) lines.push(`${k.padEnd(20)}${names.map((n) => (worst.get(n)?.get(k) ?? NaN).toExponential(2).padStart(28)).join('')}`);
  console.log(lines.join('\n'));
});
