// WGSL: the tiled matrix product behind matmul, matmulNT and matmulTN. A workgroup of 16 x 16 invocations computes a
// 64 x 64 block of out[R, C] = A'[R, K] @ B'[K, C], 4 x 4 values each, walking K in steps of 16 through shared-memory
// tiles; each operand is loaded along its contiguous dimension (A' = inp or a^T, B' = w or w^T), so one kernel
// serves every layout. Each output sums its K products in order (fixed, no atomics): the same bits on every run.
import { ENTRY_ARGS, params, storage, type Shader } from './common.js';

const BM = 64;
const BK = 16;

/** Outputs at least this many rows and columns take the 128 x 128 blocks (enough workgroups to fill a GPU). */
export const BIG_FROM = 256;

/** The kernel variant for an R x C output and its workgroups: [columns of blocks, rows of blocks]. */
export function matmulPlan(R: number, C: number): { big: boolean; grid: [number, number] } {
  const big = R >= BIG_FROM && C >= BIG_FROM;
  const b = big ? BIG : BM;
  return { big, grid: [Math.ceil(C / b), Math.ceil(R / b)] };
}

/**
 * aT: A' is the transpose of a row-major [K, R] buffer (matmulTN's x^T); bT: B' is the transpose of a row-major
 * [C, K] buffer (matmulNT's W^T); bias: + bias[C] (plain matmul only).
 */
export function matmulShader(aT: boolean, bT: boolean, bias: boolean): Shader {
  const s = storage([['out', 'w'], ['a', 'r'], ['b', 'r'], ...(bias ? [['bias', 'r'] as [string, 'r']] : [])]);
  // element e (0..3) of this invocation's share of a 64 x 16 tile, taken along the operand's contiguous dimension
  const loadA = aT
    ? `let r = lin % ${BM}u; let kk = lin / ${BM}u; let gr = row0 + r; let gk = k0 + kk;
       As[kk][r] = select(0.0, a[gk * p.R + gr], gr < p.R && gk < p.K);`
    : `let kk = lin % ${BK}u; let r = lin / ${BK}u; let gr = row0 + r; let gk = k0 + kk;
       As[kk][r] = select(0.0, a[gr * p.K + gk], gr < p.R && gk < p.K);`;
  const loadB = bT
    ? `let kk = lin % ${BK}u; let c = lin / ${BK}u; let gc = col0 + c; let gk = k0 + kk;
       Bs[kk][c] = select(0.0, b[gc * p.K + gk], gc < p.C && gk < p.K);`
    : `let c = lin % ${BM}u; let kk = lin / ${BM}u; let gc = col0 + c; let gk = k0 + kk;
       Bs[kk][c] = select(0.0, b[gk * p.C + gc], gc < p.C && gk < p.K);`;
  return {
    bindings: s.bindings,
    code: `${params('R: u32, K: u32, C: u32, accumulate: u32')}${s.decl}
var<workgroup> As: array<array<f32, ${BM}>, ${BK}>;
var<workgroup> Bs: array<array<f32, ${BM}>, ${BK}>;
@compute @workgroup_size(16, 16) fn main(${ENTRY_ARGS}, @builtin(local_invocation_id) l: vec3u) {
  let row0 = wid.y * ${BM}u;
  let col0 = wid.x * ${BM}u;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < p.K; k0 += ${BK}u) {
    for (var e = 0u; e < 4u; e++) {
      let lin = lid + e * 256u;
      { ${loadA} }
      { ${loadB} }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { av[i] = As[kk][l.y + 16u * i]; bv[i] = Bs[kk][l.x + 16u * i]; }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i][j] = fma(av[i], bv[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + l.y + 16u * i;
    if (r >= p.R) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let c = col0 + l.x + 16u * j;
      if (c >= p.C) { continue; }
      var v = acc[i][j];
      ${bias ? 'v = v + bias[c];' : ''}
      if (p.accumulate != 0u) { v = out[r * p.C + c] + v; }
      out[r * p.C + c] = v;
    }
  }
}`,
  };
}

/** Column sums in two fixed-order stages: partial[blk, c] over 64-row blocks, then dst[c] += the blocks in order. */
export const COLSUM_ROWS = 64;
const partialS = storage([['partial', 'w'], ['x', 'r']]);
const addS = storage([['dst', 'w'], ['partial', 'r']]);
export const COLSUM: Record<string, Shader> = {
  colsum_partial: {
    bindings: partialS.bindings,
    code: `${params('N: u32, C: u32')}${partialS.decl}
@compute @workgroup_size(64) fn main(${ENTRY_ARGS}) {
  let c = wid.x * 64u + lid;
  let blk = wid.y;
  if (c >= p.C) { return; }
  var s = 0.0;
  for (var n = blk * ${COLSUM_ROWS}u; n < min(p.N, blk * ${COLSUM_ROWS}u + ${COLSUM_ROWS}u); n++) { s += x[n * p.C + c]; }
  partial[blk * p.C + c] = s;
}`,
  },
  colsum_add: {
    bindings: addS.bindings,
    code: `${params('blocks: u32, C: u32')}${addS.decl}
@compute @workgroup_size(64) fn main(${ENTRY_ARGS}) {
  let c = wid.x * 64u + lid;
  if (c >= p.C) { return; }
  var s = dst[c];
  for (var b = 0u; b < p.blocks; b++) { s += partial[b * p.C + c]; }
  dst[c] = s;
}`,
  },
};

const BIG = 128;
const BKB = 8;

/**
 * The same product in 128 x 128 blocks, 8 x 8 values per invocation (rows ty*4.. and 64 + ty*4.., columns alike),
 * K in steps of 8; shared tiles are read as vec4s. Each output sums its K products in order with fma, as the
 * 64 x 64 kernel does.
 */
export function matmulBigShader(aT: boolean, bT: boolean, bias: boolean): Shader {
  const s = storage([['out', 'w'], ['a', 'r'], ['b', 'r'], ...(bias ? [['bias', 'r'] as [string, 'r']] : [])]);
  // tiles are [BKB][BIG] floats as vec4s: element (kk, r) at As[kk * 32 + r / 4][r % 4]
  const loadA = aT
    ? `let r = lin % ${BIG}u; let kk = lin / ${BIG}u; let gr = row0 + r; let gk = k0 + kk;
       As[kk * 32u + r / 4u][r % 4u] = select(0.0, a[gk * p.R + gr], gr < p.R && gk < p.K);`
    : `let kk = lin % ${BKB}u; let r = lin / ${BKB}u; let gr = row0 + r; let gk = k0 + kk;
       As[kk * 32u + r / 4u][r % 4u] = select(0.0, a[gr * p.K + gk], gr < p.R && gk < p.K);`;
  const loadB = bT
    ? `let kk = lin % ${BKB}u; let c = lin / ${BKB}u; let gc = col0 + c; let gk = k0 + kk;
       Bs[kk * 32u + c / 4u][c % 4u] = select(0.0, b[gc * p.K + gk], gc < p.C && gk < p.K);`
    : `let c = lin % ${BIG}u; let kk = lin / ${BIG}u; let gc = col0 + c; let gk = k0 + kk;
       Bs[kk * 32u + c / 4u][c % 4u] = select(0.0, b[gk * p.C + gc], gc < p.C && gk < p.K);`;
  return {
    bindings: s.bindings,
    code: `${params('R: u32, K: u32, C: u32, accumulate: u32')}${s.decl}
var<workgroup> As: array<vec4<f32>, ${(BKB * BIG) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(BKB * BIG) / 4}>;
@compute @workgroup_size(16, 16) fn main(${ENTRY_ARGS}, @builtin(local_invocation_id) l: vec3u) {
  let row0 = wid.y * ${BIG}u;
  let col0 = wid.x * ${BIG}u;
  var acc: array<vec4<f32>, 16>; // row i (0..7), column half h: acc[i * 2 + h]
  for (var k0 = 0u; k0 < p.K; k0 += ${BKB}u) {
    for (var e = 0u; e < 4u; e++) {
      let lin = lid + e * 256u;
      { ${loadA} }
      { ${loadB} }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${BKB}u; kk++) {
      let a0 = As[kk * 32u + l.y];
      let a1 = As[kk * 32u + 16u + l.y];
      let b0 = Bs[kk * 32u + l.x];
      let b1 = Bs[kk * 32u + 16u + l.x];
      for (var i = 0u; i < 4u; i++) {
        acc[i * 2u] = fma(vec4(a0[i]), b0, acc[i * 2u]);
        acc[i * 2u + 1u] = fma(vec4(a0[i]), b1, acc[i * 2u + 1u]);
        acc[8u + i * 2u] = fma(vec4(a1[i]), b0, acc[8u + i * 2u]);
        acc[8u + i * 2u + 1u] = fma(vec4(a1[i]), b1, acc[8u + i * 2u + 1u]);
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 8u; i++) {
    let r = row0 + (i / 4u) * 64u + l.y * 4u + i % 4u;
    if (r >= p.R) { continue; }
    for (var h = 0u; h < 2u; h++) {
      let v4 = acc[i * 2u + h];
      for (var j = 0u; j < 4u; j++) {
        let c = col0 + h * 64u + l.x * 4u + j;
        if (c >= p.C) { continue; }
        var v = v4[j];
        ${bias ? 'v = v + bias[c];' : ''}
        if (p.accumulate != 0u) { v = out[r * p.C + c] + v; }
        out[r * p.C + c] = v;
      }
    }
  }
}`,
  };
}
