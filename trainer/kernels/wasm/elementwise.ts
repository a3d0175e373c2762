// AssemblyScript: elementwise kernels (GELU, SwiGLU, residual add, dropout, AdamW, sums of squares). Threads split
// whole chunks of 1024 elements; a tail shorter than 4 runs the same lane arithmetic one value at a time.
import { exp4, hsum, keep, lo, loadPart, madd, storePart } from './common';

const CH: i32 = 1024;

@inline function range0(n: i32, tid: i32, nth: i32): i32 {
  return min(n, lo((n + CH - 1) / CH, tid, nth) * CH);
}
@inline function range1(n: i32, tid: i32, nth: i32): i32 {
  return min(n, lo((n + CH - 1) / CH, tid + 1, nth) * CH);
}

const GC: f32 = 0.7978845608028654; // sqrt(2 / pi)
const GA: f32 = 0.044715;

/** tanh(u) = 1 - 2 / (exp(2u) + 1) */
@inline function tanh4(u: v128): v128 {
  return f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(exp4(f32x4.add(u, u)), f32x4.splat(1))));
}

@inline function geluT(x: v128): v128 {
  const x3 = f32x4.mul(f32x4.mul(x, x), x);
  return tanh4(f32x4.mul(f32x4.splat(GC), madd(f32x4.splat(GA), x3, x)));
}

/** out = GELU(x), tanh approximation (GPT-2's gelu_new). */
export function gelu_fwd(out: usize, inp: usize, n: i32, tid: i32, nth: i32): void {
  for (let i = range0(n, tid, nth), e = range1(n, tid, nth); i < e; i += 4) {
    const k = min(4, e - i);
    const o = <usize>i * 4;
    const x = loadPart(inp + o, k);
    storePart(out + o, f32x4.mul(f32x4.mul(f32x4.splat(0.5), x), f32x4.add(f32x4.splat(1), geluT(x))), k);
  }
}

/** dinp = dout · GELU'(x). */
export function gelu_bwd(dinp: usize, dout: usize, inp: usize, n: i32, tid: i32, nth: i32): void {
  for (let i = range0(n, tid, nth), e = range1(n, tid, nth); i < e; i += 4) {
    const k = min(4, e - i);
    const o = <usize>i * 4;
    const x = loadPart(inp + o, k);
    const t = geluT(x);
    const half = f32x4.splat(0.5);
    const sech2 = f32x4.sub(f32x4.splat(1), f32x4.mul(t, t));
    const du = f32x4.mul(f32x4.splat(GC), madd(f32x4.splat(3 * GA), f32x4.mul(x, x), f32x4.splat(1)));
    const g = f32x4.add(f32x4.mul(half, f32x4.add(f32x4.splat(1), t)), f32x4.mul(f32x4.mul(f32x4.mul(half, x), sech2), du));
    storePart(dinp + o, f32x4.mul(loadPart(dout + o, k), g), k);
  }
}

@inline function sigmoid4(g: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), exp4(f32x4.neg(g))));
}

/** out = silu(gate) · up. */
export function swiglu_fwd(out: usize, gate: usize, up: usize, n: i32, tid: i32, nth: i32): void {
  for (let i = range0(n, tid, nth), e = range1(n, tid, nth); i < e; i += 4) {
    const k = min(4, e - i);
    const o = <usize>i * 4;
    const g = loadPart(gate + o, k);
    storePart(out + o, f32x4.mul(f32x4.mul(g, sigmoid4(g)), loadPart(up + o, k)), k);
  }
}

/** dgate = dout · up · s(1 + g(1 - s)), dup = dout · g · s, with s = sigmoid(gate). */
export function swiglu_bwd(dgate: usize, dup: usize, dout: usize, gate: usize, up: usize, n: i32, tid: i32, nth: i32): void {
  for (let i = range0(n, tid, nth), e = range1(n, tid, nth); i < e; i += 4) {
    const k = min(4, e - i);
    const o = <usize>i * 4;
    const g = loadPart(gate + o, k);
    const s = sigmoid4(g);
    const d = loadPart(dout + o, k);
    const one = f32x4.splat(1);
    storePart(dup + o, f32x4.mul(d, f32x4.mul(g, s)), k);
    const ds = f32x4.mul(s, f32x4.add(one, f32x4.mul(g, f32x4.sub(one, s))));
    storePart(dgate + o, f32x4.mul(f32x4.mul(d, loadPart(up + o, k)), ds), k);
  }
}

/** out = a + b (out may be a or b). */
export function add(out: usize, a: usize, b: usize, n: i32, tid: i32, nth: i32): void {
  for (let i = range0(n, tid, nth), e = range1(n, tid, nth); i < e; i += 4) {
    const k = min(4, e - i);
    const o = <usize>i * 4;
    storePart(out + o, f32x4.add(loadPart(a + o, k), loadPart(b + o, k)), k);
  }
}

/** out = x / (1 - p) where the hash of (seed, i) keeps element i, else 0; the same call masks the gradient. */
export function dropout(out: usize, inp: usize, n: i32, thresh: u32, scale: f32, seed: u32, tid: i32, nth: i32): void {
  for (let i = range0(n, tid, nth), e = range1(n, tid, nth); i < e; i++) {
    const o = <usize>i * 4;
    store<f32>(out + o, keep(seed, <u32>i, thresh) ? load<f32>(inp + o) * scale : 0);
  }
}

/**
 * AdamW as PyTorch computes it: p *= 1 - lr·wd; m = b1·m + (1-b1)·g; v = b2·v + (1-b2)·g²;
 * p -= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps), with g = grad · gscale (clipping).
 */
export function adamw(p: usize, g: usize, m: usize, v: usize, n: i32, b1: f32, b2: f32, eps: f32, decay: f32, stepSize: f32, sqrtBc2: f32, gscale: f32, tid: i32, nth: i32): void {
  const vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), c1 = f32x4.splat(1 - b1), c2 = f32x4.splat(1 - b2);
  const veps = f32x4.splat(eps), vdec = f32x4.splat(decay), vstep = f32x4.splat(stepSize), vbc2 = f32x4.splat(sqrtBc2), vgs = f32x4.splat(gscale);
  for (let i = range0(n, tid, nth), e = range1(n, tid, nth); i < e; i += 4) {
    const k = min(4, e - i);
    const o = <usize>i * 4;
    const gr = f32x4.mul(loadPart(g + o, k), vgs);
    const mm = f32x4.add(f32x4.mul(vb1, loadPart(m + o, k)), f32x4.mul(c1, gr));
    const vv = f32x4.add(f32x4.mul(vb2, loadPart(v + o, k)), f32x4.mul(c2, f32x4.mul(gr, gr)));
    const pd = f32x4.mul(loadPart(p + o, k), vdec);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vbc2), veps);
    storePart(p + o, f32x4.sub(pd, f32x4.mul(vstep, f32x4.div(mm, denom))), k);
    storePart(m + o, mm, k);
    storePart(v + o, vv, k);
  }
}

/** out[c] = sum of squares of chunk c (1024 elements) of x; the caller adds the chunks in order. */
export function sumsq(out: usize, x: usize, n: i32, tid: i32, nth: i32): void {
  const chunks = (n + CH - 1) / CH;
  for (let c = lo(chunks, tid, nth), ce = lo(chunks, tid + 1, nth); c < ce; c++) {
    let acc = f32x4.splat(0);
    for (let i = c * CH, e = min(n, c * CH + CH); i < e; i += 4) {
      const v = loadPart(x + <usize>i * 4, min(4, e - i));
      acc = f32x4.add(acc, f32x4.mul(v, v));
    }
    store<f32>(out + <usize>c * 4, hsum(acc));
  }
}
