// AssemblyScript: C[N, M] (= or +=) A[N, K] @ B[K, M] over B packed in panels of 8 columns ([panel][k][8], zero
// padded), a 4x8 register tile (8 accumulators) and K blocks of 256, rows split between threads in blocks of 4.
// Every element is init (0, bias or C) followed by the products in k order, whichever tile or thread computes it.
import { lo, loadPart, madd, storePart } from './common';

const KC: i32 = 256;

/** Packs B [K, M] row-major into panels (threads split the panels). */
export function pack_b(bp: usize, b: usize, K: i32, M: i32, tid: i32, nth: i32): void {
  const P = (M + 7) >> 3;
  for (let p = lo(P, tid, nth), e = lo(P, tid + 1, nth); p < e; p++) {
    const j0 = p * 8;
    const cols = min(8, M - j0);
    let dst = bp + <usize>p * <usize>K * 32;
    let src = b + <usize>j0 * 4;
    const rs = <usize>M * 4;
    for (let k = 0; k < K; k++) {
      v128.store(dst, loadPart(src, min(cols, 4)));
      v128.store(dst, loadPart(src + 16, max(0, cols - 4)), 16);
      dst += 32;
      src += rs;
    }
  }
}

/** Packs the transpose of W [M, K] (so B[k][j] = W[j][k]): the A @ W^T products read W in place. */
export function pack_bt(bp: usize, w: usize, K: i32, M: i32, tid: i32, nth: i32): void {
  const P = (M + 7) >> 3;
  for (let p = lo(P, tid, nth), e = lo(P, tid + 1, nth); p < e; p++) {
    const j0 = p * 8;
    const dst = bp + <usize>p * <usize>K * 32;
    for (let j = 0; j < 8; j++) {
      if (j0 + j < M) {
        const src = w + <usize>(j0 + j) * <usize>K * 4;
        for (let k = 0; k < K; k++) store<f32>(dst + (<usize>k * 8 + <usize>j) * 4, load<f32>(src + <usize>k * 4));
      } else {
        for (let k = 0; k < K; k++) store<f32>(dst + (<usize>k * 8 + <usize>j) * 4, 0);
      }
    }
  }
}

/** dst [C, R] = src [R, C]^T, in 16x16 tiles (threads split the tiles' columns). */
export function transpose(dst: usize, src: usize, R: i32, C: i32, tid: i32, nth: i32): void {
  const CB = (C + 15) >> 4;
  for (let cb = lo(CB, tid, nth), e = lo(CB, tid + 1, nth); cb < e; cb++) {
    const c0 = cb * 16;
    const c1 = min(C, c0 + 16);
    for (let r0 = 0; r0 < R; r0 += 16) {
      const r1 = min(R, r0 + 16);
      for (let c = c0; c < c1; c++)
        for (let r = r0; r < r1; r++) store<f32>(dst + (<usize>c * <usize>R + <usize>r) * 4, load<f32>(src + (<usize>r * <usize>C + <usize>c) * 4));
    }
  }
}

// mode 0: start from zero, 1: from the bias row, 2: from C (accumulate, or a later K block)
@inline function init(mode: i32, c: usize, bias: usize, cols: i32, half: i32): v128 {
  if (mode == 0) return f32x4.splat(0);
  const n = half == 0 ? min(cols, 4) : max(0, cols - 4);
  return loadPart((mode == 1 ? bias : c) + <usize>half * 16, n);
}

@inline function put(c: usize, v0: v128, v1: v128, cols: i32): void {
  if (cols == 8) {
    v128.store(c, v0);
    v128.store(c, v1, 16);
  } else {
    storePart(c, v0, min(cols, 4));
    storePart(c + 16, v1, max(0, cols - 4));
  }
}

function tile4(c: usize, ldc: usize, a: usize, lda: usize, b: usize, kc: i32, mode: i32, bias: usize, cols: i32): void {
  let c00 = init(mode, c, bias, cols, 0), c01 = init(mode, c, bias, cols, 1);
  let c10 = init(mode, c + ldc, bias, cols, 0), c11 = init(mode, c + ldc, bias, cols, 1);
  let c20 = init(mode, c + 2 * ldc, bias, cols, 0), c21 = init(mode, c + 2 * ldc, bias, cols, 1);
  let c30 = init(mode, c + 3 * ldc, bias, cols, 0), c31 = init(mode, c + 3 * ldc, bias, cols, 1);
  let ap = a;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(ap);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(ap + lda);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(ap + 2 * lda);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(ap + 3 * lda);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    b += 32;
    ap += 4;
  }
  put(c, c00, c01, cols);
  put(c + ldc, c10, c11, cols);
  put(c + 2 * ldc, c20, c21, cols);
  put(c + 3 * ldc, c30, c31, cols);
}

function tile1(c: usize, a: usize, b: usize, kc: i32, mode: i32, bias: usize, cols: i32): void {
  let c0 = init(mode, c, bias, cols, 0), c1 = init(mode, c, bias, cols, 1);
  let ap = a;
  for (let k = 0; k < kc; k++) {
    const x = v128.load32_splat(ap);
    c0 = madd(x, v128.load(b), c0);
    c1 = madd(x, v128.load(b, 16), c1);
    b += 32;
    ap += 4;
  }
  put(c, c0, c1, cols);
}

/** C = A @ Bp (+ bias row, when bias != 0), or C += A @ Bp when accum != 0. */
export function gemm(c: usize, a: usize, bp: usize, bias: usize, N: i32, K: i32, M: i32, accum: i32, tid: i32, nth: i32): void {
  const nb = (N + 3) >> 2;
  const r0 = lo(nb, tid, nth) * 4;
  const r1 = min(N, lo(nb, tid + 1, nth) * 4);
  const P = (M + 7) >> 3;
  const lda = <usize>K * 4;
  const ldc = <usize>M * 4;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const mode = k0 > 0 || accum != 0 ? 2 : bias != 0 ? 1 : 0;
    for (let i = r0; i < r1; i += 4) {
      const rows = min(4, r1 - i);
      const ap = a + (<usize>i * <usize>K + <usize>k0) * 4;
      const crow = c + <usize>i * ldc;
      for (let p = 0; p < P; p++) {
        const cols = min(8, M - p * 8);
        const bpp = bp + (<usize>p * <usize>K + <usize>k0) * 32;
        const cp = crow + <usize>p * 32;
        const bi = bias + <usize>p * 32;
        if (rows == 4) tile4(cp, ldc, ap, lda, bpp, kc, mode, bi, cols);
        else for (let r = 0; r < rows; r++) tile1(cp + <usize>r * ldc, ap + <usize>r * lda, bpp, kc, mode, bi, cols);
      }
    }
  }
}

/** dst[j] += sum over rows of src [N, M] (bias gradients); threads split the columns in blocks of 4. */
export function colsum(dst: usize, src: usize, N: i32, M: i32, tid: i32, nth: i32): void {
  const CB = (M + 3) >> 2;
  const ld = <usize>M * 4;
  for (let cb = lo(CB, tid, nth), e = lo(CB, tid + 1, nth); cb < e; cb++) {
    const n = min(4, M - cb * 4);
    const dp = dst + <usize>cb * 16;
    let acc = loadPart(dp, n);
    let sp = src + <usize>cb * 16;
    for (let r = 0; r < N; r++) {
      acc = f32x4.add(acc, loadPart(sp, n));
      sp += ld;
    }
    storePart(dp, acc, n);
  }
}
