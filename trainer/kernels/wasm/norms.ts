// AssemblyScript: LayerNorm and RMSNorm over rows of C, forward and backward. Threads split rows for the values
// and the input gradient, and columns (blocks of 4) for the weight and bias gradients, which sum over rows.
import { hsum, lo, loadPart, storePart } from './common';

@inline function rowSum(x: usize, C: i32, mean: f32): f32 {
  let acc = f32x4.splat(0);
  const m = f32x4.splat(mean);
  let i = 0;
  for (; i + 4 <= C; i += 4) {
    const v = f32x4.sub(v128.load(x + <usize>i * 4), m);
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  let s = hsum(acc);
  for (; i < C; i++) {
    const v = load<f32>(x + <usize>i * 4) - mean;
    s += v * v;
  }
  return s;
}

@inline function rowPlain(x: usize, C: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= C; i += 4) acc = f32x4.add(acc, v128.load(x + <usize>i * 4));
  let s = hsum(acc);
  for (; i < C; i++) s += load<f32>(x + <usize>i * 4);
  return s;
}

/** out = (x - mean) * rstd * w (+ b); mean and rstd per row kept for the backward pass. rms != 0: RMSNorm (no mean). */
export function norm_fwd(out: usize, mean: usize, rstd: usize, inp: usize, w: usize, b: usize, N: i32, C: i32, eps: f32, rms: i32, tid: i32, nth: i32): void {
  for (let n = lo(N, tid, nth), e = lo(N, tid + 1, nth); n < e; n++) {
    const x = inp + <usize>n * <usize>C * 4;
    const y = out + <usize>n * <usize>C * 4;
    const mu: f32 = rms != 0 ? 0 : rowPlain(x, C) / <f32>C;
    const r: f32 = 1 / Mathf.sqrt(rowSum(x, C, mu) / <f32>C + eps);
    if (rms == 0) store<f32>(mean + <usize>n * 4, mu);
    store<f32>(rstd + <usize>n * 4, r);
    const vm = f32x4.splat(mu), vr = f32x4.splat(r);
    for (let i = 0; i < C; i += 4) {
      const k = min(4, C - i);
      const o = <usize>i * 4;
      let v = f32x4.mul(f32x4.mul(f32x4.sub(loadPart(x + o, k), vm), vr), loadPart(w + o, k));
      if (b != 0) v = f32x4.add(v, loadPart(b + o, k));
      storePart(y + o, v, k);
    }
  }
}

/** dinp += the input gradient: (w·dout - mean(w·dout) - xhat·mean(w·dout·xhat)) · rstd (RMSNorm: without the first mean). */
export function norm_bwd_inp(dinp: usize, dout: usize, inp: usize, mean: usize, rstd: usize, w: usize, N: i32, C: i32, rms: i32, tid: i32, nth: i32): void {
  for (let n = lo(N, tid, nth), e = lo(N, tid + 1, nth); n < e; n++) {
    const row = <usize>n * <usize>C * 4;
    const mu: f32 = rms != 0 ? 0 : load<f32>(mean + <usize>n * 4);
    const r = load<f32>(rstd + <usize>n * 4);
    const vm = f32x4.splat(mu), vr = f32x4.splat(r);
    let s1 = f32x4.splat(0), s2 = f32x4.splat(0);
    for (let i = 0; i < C; i += 4) {
      const k = min(4, C - i);
      const o = <usize>i * 4;
      const xhat = f32x4.mul(f32x4.sub(loadPart(inp + row + o, k), vm), vr);
      const dn = f32x4.mul(loadPart(w + o, k), loadPart(dout + row + o, k));
      s1 = f32x4.add(s1, dn);
      s2 = f32x4.add(s2, f32x4.mul(dn, xhat));
    }
    const m1 = f32x4.splat(rms != 0 ? 0 : hsum(s1) / <f32>C);
    const m2 = f32x4.splat(hsum(s2) / <f32>C);
    for (let i = 0; i < C; i += 4) {
      const k = min(4, C - i);
      const o = <usize>i * 4;
      const xhat = f32x4.mul(f32x4.sub(loadPart(inp + row + o, k), vm), vr);
      const dn = f32x4.mul(loadPart(w + o, k), loadPart(dout + row + o, k));
      const g = f32x4.mul(f32x4.sub(f32x4.sub(dn, m1), f32x4.mul(xhat, m2)), vr);
      storePart(dinp + row + o, f32x4.add(loadPart(dinp + row + o, k), g), k);
    }
  }
}

/** dw += sum over rows of dout·xhat, db += sum of dout (db may be 0); mean 0 = RMSNorm. */
export function norm_bwd_params(dw: usize, db: usize, dout: usize, inp: usize, mean: usize, rstd: usize, N: i32, C: i32, tid: i32, nth: i32): void {
  const CB = (C + 3) >> 2;
  for (let cb = lo(CB, tid, nth), e = lo(CB, tid + 1, nth); cb < e; cb++) {
    const k = min(4, C - cb * 4);
    const o = <usize>cb * 16;
    let aw = loadPart(dw + o, k);
    let ab = db != 0 ? loadPart(db + o, k) : f32x4.splat(0);
    for (let n = 0; n < N; n++) {
      const row = <usize>n * <usize>C * 4;
      const mu = f32x4.splat(mean != 0 ? load<f32>(mean + <usize>n * 4) : 0);
      const xhat = f32x4.mul(f32x4.sub(loadPart(inp + row + o, k), mu), f32x4.splat(load<f32>(rstd + <usize>n * 4)));
      const g = loadPart(dout + row + o, k);
      aw = f32x4.add(aw, f32x4.mul(g, xhat));
      ab = f32x4.add(ab, g);
    }
    storePart(dw + o, aw, k);
    if (db != 0) storePart(db + o, ab, k);
  }
}
