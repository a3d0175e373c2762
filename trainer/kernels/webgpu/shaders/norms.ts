// WGSL: LayerNorm / RMSNorm over rows of C, one workgroup of 128 per row (fixed-order tree sums); the weight and
// bias gradients sum over rows in two fixed stages (64-row block partials, then the blocks in order: colsum_add).
import { ENTRY_ARGS, GROUP, params, storage, treeReduce, type Shader } from './common.js';
import { COLSUM_ROWS } from './matmul.js';

const WG = 128;
const sum = (a: string, b: string) => `${a} + ${b}`;

const fwd = (bias: boolean) => {
  const s = storage([['out', 'w'], ['mean', 'w'], ['rstd', 'w'], ['inp', 'r'], ['w', 'r'], ...(bias ? [['b', 'r'] as [string, 'r']] : [])]);
  return {
    bindings: s.bindings,
    code: `${params('N: u32, C: u32, eps: f32, rms: u32')}${s.decl}
var<workgroup> red: array<f32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${GROUP}
  if (group >= p.N) { return; } // surplus workgroups of a 2-D grid (uniform: barriers below stay uniform)
  let n = group;
  let x = n * p.C;
  var mu = 0.0;
  if (p.rms == 0u) {
    var s = 0.0;
    for (var c = lid; c < p.C; c += ${WG}u) { s += inp[x + c]; }
    red[lid] = s;
    ${treeReduce('red', WG, sum)}
    mu = red[0] / f32(p.C);
    workgroupBarrier();
  }
  var q = 0.0;
  for (var c = lid; c < p.C; c += ${WG}u) { let v = inp[x + c] - mu; q = fma(v, v, q); }
  red[lid] = q;
  ${treeReduce('red', WG, sum)}
  let r = 1.0 / sqrt(red[0] / f32(p.C) + p.eps);
  if (lid == 0u) {
    if (p.rms == 0u) { mean[n] = mu; }
    rstd[n] = r;
  }
  for (var c = lid; c < p.C; c += ${WG}u) {
    out[x + c] = (inp[x + c] - mu) * r * w[c]${bias ? ' + b[c]' : ''};
  }
}`,
  };
};

const bwdInp = storage([['dinp', 'w'], ['dout', 'r'], ['inp', 'r'], ['mean', 'r'], ['rstd', 'r'], ['w', 'r']]);
const bwdParams = (bias: boolean) => storage([['pw', 'w'], ...(bias ? [['pb', 'w'] as [string, 'w']] : []), ['dout', 'r'], ['inp', 'r'], ['mean', 'r'], ['rstd', 'r']]);
const params_ = (bias: boolean): Shader => {
  const s = bwdParams(bias);
  return {
    bindings: s.bindings,
    code: `${params('N: u32, C: u32, rms: u32')}${s.decl}
@compute @workgroup_size(64) fn main(${ENTRY_ARGS}) {
  let c = wid.x * 64u + lid;
  let blk = wid.y;
  if (c >= p.C) { return; }
  var aw = 0.0;
  var ab = 0.0;
  for (var n = blk * ${COLSUM_ROWS}u; n < min(p.N, blk * ${COLSUM_ROWS}u + ${COLSUM_ROWS}u); n++) {
    let mu = select(mean[n], 0.0, p.rms != 0u);
    let g = dout[n * p.C + c];
    aw = fma(g, (inp[n * p.C + c] - mu) * rstd[n], aw);
    ab += g;
  }
  pw[blk * p.C + c] = aw;
  ${bias ? 'pb[blk * p.C + c] = ab;' : ''}
}`,
  };
};

export const NORMS: Record<string, Shader> = {
  norm: fwd(false),
  norm_bias: fwd(true),
  /** dinp += (w*dout - mean(w*dout) - xhat * mean(w*dout*xhat)) * rstd (RMSNorm: without the first mean). */
  norm_bwd_inp: {
    bindings: bwdInp.bindings,
    code: `${params('N: u32, C: u32, rms: u32')}${bwdInp.decl}
var<workgroup> r1: array<f32, ${WG}>;
var<workgroup> r2: array<f32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${GROUP}
  if (group >= p.N) { return; }
  let n = group;
  let x = n * p.C;
  let mu = select(mean[n], 0.0, p.rms != 0u);
  let r = rstd[n];
  var s1 = 0.0;
  var s2 = 0.0;
  for (var c = lid; c < p.C; c += ${WG}u) {
    let xhat = (inp[x + c] - mu) * r;
    let dn = w[c] * dout[x + c];
    s1 += dn;
    s2 = fma(dn, xhat, s2);
  }
  r1[lid] = s1;
  r2[lid] = s2;
  for (var s = ${WG / 2}u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid < s) { r1[lid] += r1[lid + s]; r2[lid] += r2[lid + s]; }
  }
  workgroupBarrier();
  let m1 = select(r1[0] / f32(p.C), 0.0, p.rms != 0u);
  let m2 = r2[0] / f32(p.C);
  for (var c = lid; c < p.C; c += ${WG}u) {
    let xhat = (inp[x + c] - mu) * r;
    let dn = w[c] * dout[x + c];
    dinp[x + c] = dinp[x + c] + (dn - m1 - xhat * m2) * r;
  }
}`,
  },
  norm_bwd_params: params_(false),
  norm_bwd_params_bias: params_(true),
};
