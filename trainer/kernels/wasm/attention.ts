// AssemblyScript: causal multi-head attention over the qkv rows [B*T, 3d] (q | k | v, head h at h*hd), forward
// and backward, one (sequence, head) pair per unit of work: only the unmasked half is computed, heads are never
// mixed. Scores are dot products four keys at a time; weighted sums of rows keep their 32-float accumulators in
// registers. The softmax probabilities [B, H, T, T] are kept for the backward (the masked half is never read).
import { exp4, exp1, hmax, hsum, keep, lo, loadPart, madd, storePart } from './common';

@inline function dot(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const k = min(4, n - i);
    acc = madd(loadPart(a + <usize>i * 4, k), loadPart(b + <usize>i * 4, k), acc);
  }
  return hsum(acc);
}

/** The four dot products a · b0..b3 (n values each) as one vector, each summed lane-wise then across lanes. */
@inline function dot4(a: usize, b0: usize, b1: usize, b2: usize, b3: usize, n: i32): v128 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const k = min(4, n - i);
    const o = <usize>i * 4;
    const x = loadPart(a + o, k);
    s0 = madd(x, loadPart(b0 + o, k), s0);
    s1 = madd(x, loadPart(b1 + o, k), s1);
    s2 = madd(x, loadPart(b2 + o, k), s2);
    s3 = madd(x, loadPart(b3 + o, k), s3);
  }
  const ab = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 4, 1, 5), v128.shuffle<f32>(s0, s1, 2, 6, 3, 7));
  const cd = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 4, 1, 5), v128.shuffle<f32>(s2, s3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

/** dst[j] = a · rows[j] · scale for j < count (rows `stride` bytes apart), four at a time. */
@inline function dots(dst: usize, a: usize, rows: usize, stride: usize, count: i32, n: i32, scale: f32): void {
  const vs = f32x4.splat(scale);
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const r = rows + <usize>j * stride;
    v128.store(dst + <usize>j * 4, f32x4.mul(dot4(a, r, r + stride, r + 2 * stride, r + 3 * stride, n), vs));
  }
  for (; j < count; j++) store<f32>(dst + <usize>j * 4, dot(a, rows + <usize>j * stride, n) * scale);
}

/**
 * dst[0..n) = sum over i < count of coef[i] · rows[i][0..n), in i order; coefficients `cs` bytes apart, rows `rs`
 * bytes apart. Accumulators stay in registers, 32 values (8 vectors) at a time.
 */
function combine(dst: usize, coef: usize, cs: usize, rows: usize, rs: usize, count: i32, n: i32): void {
  let c = 0;
  for (; c + 32 <= n; c += 32) {
    const o = <usize>c * 4;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
    let cp = coef, rp = rows + o;
    for (let i = 0; i < count; i++) {
      const p = v128.load32_splat(cp);
      a0 = madd(p, v128.load(rp), a0);
      a1 = madd(p, v128.load(rp, 16), a1);
      a2 = madd(p, v128.load(rp, 32), a2);
      a3 = madd(p, v128.load(rp, 48), a3);
      a4 = madd(p, v128.load(rp, 64), a4);
      a5 = madd(p, v128.load(rp, 80), a5);
      a6 = madd(p, v128.load(rp, 96), a6);
      a7 = madd(p, v128.load(rp, 112), a7);
      cp += cs;
      rp += rs;
    }
    const d = dst + o;
    v128.store(d, a0);
    v128.store(d, a1, 16);
    v128.store(d, a2, 32);
    v128.store(d, a3, 48);
    v128.store(d, a4, 64);
    v128.store(d, a5, 80);
    v128.store(d, a6, 96);
    v128.store(d, a7, 112);
  }
  for (; c < n; c += 4) {
    const k = min(4, n - c);
    const o = <usize>c * 4;
    let a = f32x4.splat(0);
    let cp = coef, rp = rows + o;
    for (let i = 0; i < count; i++) {
      a = madd(v128.load32_splat(cp), loadPart(rp, k), a);
      cp += cs;
      rp += rs;
    }
    storePart(dst + o, a, k);
  }
}

/** Softmax of row[0..len) in place. */
@inline function softmaxRow(row: usize, len: i32): void {
  let vm = f32x4.splat(-Infinity);
  let j = 0;
  for (; j + 4 <= len; j += 4) vm = f32x4.max(vm, v128.load(row + <usize>j * 4));
  let m = hmax(vm);
  for (; j < len; j++) m = max(m, load<f32>(row + <usize>j * 4));
  const vmax = f32x4.splat(m);
  let acc = f32x4.splat(0);
  j = 0;
  for (; j + 4 <= len; j += 4) {
    const e = exp4(f32x4.sub(v128.load(row + <usize>j * 4), vmax));
    v128.store(row + <usize>j * 4, e);
    acc = f32x4.add(acc, e);
  }
  let s = hsum(acc);
  for (; j < len; j++) {
    const e = exp1(load<f32>(row + <usize>j * 4) - m);
    store<f32>(row + <usize>j * 4, e);
    s += e;
  }
  const inv = f32x4.splat(1 / s);
  for (j = 0; j < len; j += 4) {
    const k = min(4, len - j);
    storePart(row + <usize>j * 4, f32x4.mul(loadPart(row + <usize>j * 4, k), inv), k);
  }
}

/** Per-thread scratch the kernels below need, in floats: two T x T blocks and one row. */
export function attention_scratch(T: i32): i32 {
  return 2 * T * T + T;
}

/**
 * out [B*T, d] = softmax(q k^T · scale, causal) v per head; att keeps the probabilities before dropout.
 * scratch: attention_scratch(T) floats per thread.
 */
export function attention_fwd(out: usize, att: usize, scratch: usize, qkv: usize, B: i32, T: i32, H: i32, hd: i32, scale: f32, thresh: u32, dscale: f32, seed: u32, tid: i32, nth: i32): void {
  const d = H * hd;
  const rs = <usize>3 * <usize>d * 4;
  const drop = thresh != 0;
  const masked = scratch + <usize>tid * <usize>attention_scratch(T) * 4;
  for (let bh = lo(B * H, tid, nth), e = lo(B * H, tid + 1, nth); bh < e; bh++) {
    const b = bh / H, h = bh % H;
    const base = qkv + <usize>b * <usize>T * rs + <usize>h * <usize>hd * 4;
    for (let t = 0; t < T; t++) {
      const row = att + (<usize>bh * <usize>T + <usize>t) * <usize>T * 4;
      dots(row, base + <usize>t * rs, base + <usize>d * 4, rs, t + 1, hd, scale);
      softmaxRow(row, t + 1);
      let p = row;
      if (drop) {
        const rowIndex = (<u32>bh * <u32>T + <u32>t) * <u32>T;
        for (let j = 0; j <= t; j++) store<f32>(masked + <usize>j * 4, keep(seed, rowIndex + <u32>j, thresh) ? load<f32>(row + <usize>j * 4) * dscale : 0);
        p = masked;
      }
      combine(out + (<usize>(b * T + t) * <usize>d + <usize>h * <usize>hd) * 4, p, 4, base + <usize>(2 * d) * 4, rs, t + 1, hd);
    }
  }
}

/**
 * dqkv [B*T, 3d] (overwritten) from dout [B*T, d], in two passes per (sequence, head):
 *   by query t: dp_tj = dout_t · v_j (masked like p'), ds_tj = p_tj (dp_tj - sum_k p_tk dp_tk) · scale, dq_t = sum_j ds_tj k_j;
 *   by key j:   dk_j = sum_t ds_tj q_t, dv_j = sum_t p'_tj dout_t (t >= j).
 */
export function attention_bwd(dqkv: usize, scratch: usize, dout: usize, qkv: usize, att: usize, B: i32, T: i32, H: i32, hd: i32, scale: f32, thresh: u32, dscale: f32, seed: u32, tid: i32, nth: i32): void {
  const d = H * hd;
  const rs = <usize>3 * <usize>d * 4;
  const ds = <usize>d * 4;
  const drop = thresh != 0;
  const tt = <usize>T * <usize>T * 4;
  const DS = scratch + <usize>tid * <usize>attention_scratch(T) * 4; // [T, T] ds
  const PS = DS + tt; // [T, T] p' (masked probabilities)
  for (let bh = lo(B * H, tid, nth), e = lo(B * H, tid + 1, nth); bh < e; bh++) {
    const b = bh / H, h = bh % H;
    const off = <usize>b * <usize>T * rs + <usize>h * <usize>hd * 4;
    const base = qkv + off;
    const dbase = dqkv + off;
    const gbase = dout + (<usize>(b * T) * <usize>d + <usize>h * <usize>hd) * 4;
    for (let t = 0; t < T; t++) {
      const prow = att + (<usize>bh * <usize>T + <usize>t) * <usize>T * 4;
      const dsrow = DS + <usize>t * <usize>T * 4;
      const psrow = PS + <usize>t * <usize>T * 4;
      dots(dsrow, gbase + <usize>t * ds, base + <usize>(2 * d) * 4, rs, t + 1, hd, 1); // dp'
      const rowIndex = (<u32>bh * <u32>T + <u32>t) * <u32>T;
      let s: f32 = 0;
      for (let j = 0; j <= t; j++) {
        const p = load<f32>(prow + <usize>j * 4);
        const m: f32 = drop ? (keep(seed, rowIndex + <u32>j, thresh) ? dscale : 0) : 1;
        const dpj = load<f32>(dsrow + <usize>j * 4) * m;
        store<f32>(dsrow + <usize>j * 4, dpj);
        store<f32>(psrow + <usize>j * 4, p * m);
        s += p * dpj;
      }
      for (let j = 0; j <= t; j++) {
        const p = load<f32>(prow + <usize>j * 4);
        store<f32>(dsrow + <usize>j * 4, p * (load<f32>(dsrow + <usize>j * 4) - s) * scale);
      }
      combine(dbase + <usize>t * rs, dsrow, 4, base + <usize>d * 4, rs, t + 1, hd); // dq_t
    }
    for (let j = 0; j < T; j++) {
      const col = <usize>j * <usize>T * 4 + <usize>j * 4; // element (t = j, j)
      const jr = <usize>j * rs;
      combine(dbase + jr + <usize>d * 4, DS + col, <usize>T * 4, base + jr, rs, T - j, hd); // dk_j
      combine(dbase + jr + <usize>(2 * d) * 4, PS + col, <usize>T * 4, gbase + <usize>j * ds, ds, T - j, hd); // dv_j
    }
  }
}

/** RoPE (GPT-NeoX halves) on the q and k parts of qkv rows in place; sign -1 rotates back (the gradient). */
export function rope(qkv: usize, cos: usize, sin: usize, N: i32, T: i32, H: i32, hd: i32, sign: f32, tid: i32, nth: i32): void {
  const d = H * hd;
  const half = hd >> 1;
  for (let n = lo(N, tid, nth), e = lo(N, tid + 1, nth); n < e; n++) {
    const t = n % T;
    const cs = cos + <usize>t * <usize>half * 4;
    const sn = sin + <usize>t * <usize>half * 4;
    for (let part = 0; part < 2; part++)
      for (let h = 0; h < H; h++) {
        const x = qkv + (<usize>n * <usize>(3 * d) + <usize>(part * d + h * hd)) * 4;
        for (let i = 0; i < half; i++) {
          const c = load<f32>(cs + <usize>i * 4);
          const s = load<f32>(sn + <usize>i * 4) * sign;
          const x1 = load<f32>(x + <usize>i * 4);
          const x2 = load<f32>(x + <usize>(i + half) * 4);
          store<f32>(x + <usize>i * 4, x1 * c - x2 * s);
          store<f32>(x + <usize>(i + half) * 4, x2 * c + x1 * s);
        }
      }
  }
}
