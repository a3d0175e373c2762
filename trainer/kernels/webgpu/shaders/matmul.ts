// WGSL: the tiled matrix product behind matmul, matmulNT and matmulTN. A workgroup of 16 x 16 invocations computes a
// 64 x 64 block of out[R, C] = A'[R, K] @ B'[K, C], 4 x 4 values each, walking K in steps of 16 through shared-memory
// tiles; each operand is loaded along its contiguous dimension (A' = inp or a^T, B' = w or w^T), so one kernel
// serves every layout. Each output sums its K products in order (fixed, no atomics): the same bits on every run.
import { ENTRY_ARGS, params, storage, type Shader } from './common.js';

const BM = 64;
const BK = 16;

/** Workgroups for an R x C output: [columns of blocks, rows of blocks]. */
export function matmulGrid(R: number, C: number): [number, number] {
  return [Math.ceil(C / BM), Math.ceil(R / BM)];
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
