// WGSL: causal attention in the FlashAttention manner. A workgroup of 64 takes one (sequence, head) and a block of
// BLK queries (or keys), walks the key (or query) blocks through shared memory, and never stores the T x T
// probabilities: the forward keeps one log-sum-exp per row (online softmax), the backward recomputes them. The
// backward runs by query block (dq, and D = dO . O per row) then by key block (dk, dv), each output summing its
// rows in order: no atomics, the same bits every run. Dropout masks p by the CPU set's hash of (bh*T + i)*T + j.
// The state buffer: [L (B*H*T) | D (B*H*T) | O (B*T*d)]. Generated per head size (tiles sized exactly).
import { ENTRY_ARGS, GROUP, MATH, params, storage, type Shader } from './common.js';

const WG = 64;
const P = 'B: u32, T: u32, H: u32, scale: f32, thresh: u32, dscale: f32, seed: u32';
/** Workgroup memory every WebGPU device offers. */
const SHARED_BYTES = 16384;

/** Floats of shared memory the backward kernels (the larger) need for blocks of blk rows of hd. */
const sharedFloats = (hd: number, blk: number) => 4 * blk * hd + 2 * blk * blk + 2 * blk;

/** The largest power-of-two block (at most 16) whose tiles fit in shared memory. */
export function flashBlock(hd: number): number {
  for (let b = 16; b >= 1; b >>= 1) if (sharedFloats(hd, b) * 4 <= SHARED_BYTES) return b;
  throw new Error(`webgpu: attention heads of ${hd} do not fit in ${SHARED_BYTES} bytes of workgroup memory`);
}

export const flashStateSize = (B: number, T: number, H: number, hd: number) => 2 * B * H * T + B * T * H * hd;

function locate(blk: number): string {
  return `
  ${GROUP}
  let nb = (p.T + ${blk - 1}u) / ${blk}u;
  let total = p.B * p.H * nb;
  if (group >= total) { return; } // surplus workgroups of a 2-D grid (uniform: barriers below stay uniform)
  let g = group;
  let bh = g / nb;
  let blkIdx = g % nb;
  let b = bh / p.H;
  let h = bh % p.H;
  let d = p.H * HD;
  let rs = 3u * d;
  let seq = b * p.T * rs + h * HD; // q of row i at seq + i*rs, k at + d, v at + 2d
  let gseq = b * p.T * d + h * HD; // out / dout of row i at gseq + i*d
  let oSt = 2u * p.B * p.H * p.T; // O's place in the state
  let drop = p.thresh != 0u;`;
}

/** Loads rows [r0, r0 + BLK) of a [T, *] matrix at base + i*stride into tile (zeros past T). */
const load = (tile: string, base: string, stride: string, r0: string, src = 'qkv') => `
  for (var e = lid; e < BLK * HD; e += ${WG}u) {
    let i = ${r0} + e / HD;
    ${tile}[e] = select(0.0, ${src}[${base} + i * ${stride} + e % HD], i < p.T);
  }`;

/** p (and dp, ds) of query row i and key j: the scores recomputed, masked where j > i or past T. */
const SCORES = `
      var s = 0.0;
      var dp = 0.0;
      for (var c = 0u; c < HD; c++) {
        s = fma(Qs[r * HD + c], Ks[jj * HD + c], s);
        dp = fma(dOs[r * HD + c], Vs[jj * HD + c], dp);
      }
      let valid = j <= i && i < p.T;
      let pr = select(0.0, exp_(s * p.scale - Lr[r]), valid);
      var m = 1.0;
      if (drop) { m = select(0.0, p.dscale, keep(p.seed, (bh * p.T + i) * p.T + j, p.thresh)); }
      let ds = pr * (dp * m - Dr[r]) * p.scale;`;

export function flashShaders(hd: number): Record<string, Shader> {
  const blk = flashBlock(hd);
  const per = Math.ceil((blk * hd) / WG); // outputs (row, channel) per invocation
  const head = `const HD: u32 = ${hd}u;\nconst BLK: u32 = ${blk}u;\n`;
  const fwdS = storage([['out', 'w'], ['state', 'w'], ['qkv', 'r']]);
  const bqS = storage([['dqkv', 'w'], ['state', 'w'], ['dout', 'r'], ['qkv', 'r']]);
  const bkS = storage([['dqkv', 'w'], ['state', 'r'], ['dout', 'r'], ['qkv', 'r']]);
  const tiles = (names: string[]) => names.map((n) => `var<workgroup> ${n}: array<f32, ${blk * hd}>;`).join('\n');
  return {
    flash_fwd: {
      bindings: fwdS.bindings,
      code: `${params(P)}${fwdS.decl}${MATH}${head}${tiles(['Qs', 'Ks', 'Vs'])}
var<workgroup> Ss: array<f32, ${blk * blk}>;
var<workgroup> rowM: array<f32, ${blk}>;
var<workgroup> rowL: array<f32, ${blk}>;
var<workgroup> alpha: array<f32, ${blk}>;
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${locate(blk)}
  let q0 = blkIdx * BLK;
  ${load('Qs', 'seq', 'rs', 'q0')}
  if (lid < BLK) { rowM[lid] = -3.4e38; rowL[lid] = 0.0; }
  var acc: array<f32, ${per}>;
  for (var kb = 0u; kb <= blkIdx; kb++) {
    let k0 = kb * BLK;
    workgroupBarrier();
    ${load('Ks', 'seq + d', 'rs', 'k0')}
    ${load('Vs', 'seq + 2u * d', 'rs', 'k0')}
    workgroupBarrier();
    for (var e = lid; e < BLK * BLK; e += ${WG}u) {
      let r = e / BLK;
      let jj = e % BLK;
      var s = 0.0;
      for (var c = 0u; c < HD; c++) { s = fma(Qs[r * HD + c], Ks[jj * HD + c], s); }
      Ss[e] = select(-3.4e38, s * p.scale, k0 + jj <= q0 + r && q0 + r < p.T);
    }
    workgroupBarrier();
    if (lid < BLK) {
      let r = lid;
      let mOld = rowM[r];
      var mNew = mOld;
      for (var jj = 0u; jj < BLK; jj++) { mNew = max(mNew, Ss[r * BLK + jj]); }
      var sum = 0.0;
      for (var jj = 0u; jj < BLK; jj++) {
        let s = Ss[r * BLK + jj];
        let e = select(0.0, exp_(s - mNew), s > -1e38);
        Ss[r * BLK + jj] = e;
        sum += e;
      }
      let a = select(0.0, exp_(mOld - mNew), mOld > -1e38);
      alpha[r] = a;
      rowL[r] = rowL[r] * a + sum;
      rowM[r] = mNew;
    }
    workgroupBarrier();
    for (var t = 0u; t < ${per}u; t++) {
      let e = lid + t * ${WG}u;
      if (e >= BLK * HD) { break; }
      let r = e / HD;
      let c = e % HD;
      let i = q0 + r;
      var v = acc[t] * alpha[r];
      for (var jj = 0u; jj < BLK; jj++) {
        var pj = Ss[r * BLK + jj];
        if (drop) { pj = select(0.0, pj * p.dscale, keep(p.seed, (bh * p.T + i) * p.T + k0 + jj, p.thresh)); }
        v = fma(pj, Vs[jj * HD + c], v);
      }
      acc[t] = v;
    }
  }
  workgroupBarrier();
  for (var t = 0u; t < ${per}u; t++) {
    let e = lid + t * ${WG}u;
    if (e >= BLK * HD) { break; }
    let r = e / HD;
    let i = q0 + r;
    if (i >= p.T) { continue; }
    let o = acc[t] / rowL[r];
    out[gseq + i * d + e % HD] = o;
    state[oSt + gseq + i * d + e % HD] = o;
  }
  if (lid < BLK && q0 + lid < p.T) { state[bh * p.T + q0 + lid] = rowM[lid] + log(rowL[lid]); }
}`,
    },
    flash_bwd_q: {
      bindings: bqS.bindings,
      code: `${params(P)}${bqS.decl}${MATH}${head}${tiles(['Qs', 'dOs', 'Ks', 'Vs'])}
var<workgroup> dSs: array<f32, ${blk * blk}>;
var<workgroup> Lr: array<f32, ${blk}>;
var<workgroup> Dr: array<f32, ${blk}>;
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${locate(blk)}
  let q0 = blkIdx * BLK;
  ${load('Qs', 'seq', 'rs', 'q0')}
  ${load('dOs', 'gseq', 'd', 'q0', 'dout')}
  if (lid < BLK) {
    let i = min(q0 + lid, p.T - 1u);
    var dd = 0.0;
    for (var c = 0u; c < HD; c++) { dd = fma(dout[gseq + i * d + c], state[oSt + gseq + i * d + c], dd); }
    Lr[lid] = state[bh * p.T + i];
    Dr[lid] = dd;
    if (q0 + lid < p.T) { state[p.B * p.H * p.T + bh * p.T + i] = dd; }
  }
  var acc: array<f32, ${per}>;
  for (var kb = 0u; kb <= blkIdx; kb++) {
    let k0 = kb * BLK;
    workgroupBarrier();
    ${load('Ks', 'seq + d', 'rs', 'k0')}
    ${load('Vs', 'seq + 2u * d', 'rs', 'k0')}
    workgroupBarrier();
    for (var e = lid; e < BLK * BLK; e += ${WG}u) {
      let r = e / BLK;
      let jj = e % BLK;
      let i = q0 + r;
      let j = k0 + jj;
      ${SCORES}
      dSs[e] = ds;
    }
    workgroupBarrier();
    for (var t = 0u; t < ${per}u; t++) {
      let e = lid + t * ${WG}u;
      if (e >= BLK * HD) { break; }
      let r = e / HD;
      let c = e % HD;
      var v = acc[t];
      for (var jj = 0u; jj < BLK; jj++) { v = fma(dSs[r * BLK + jj], Ks[jj * HD + c], v); }
      acc[t] = v;
    }
  }
  for (var t = 0u; t < ${per}u; t++) {
    let e = lid + t * ${WG}u;
    if (e >= BLK * HD) { break; }
    let i = q0 + e / HD;
    if (i < p.T) { dqkv[seq + i * rs + e % HD] = acc[t]; }
  }
}`,
    },
    flash_bwd_kv: {
      bindings: bkS.bindings,
      code: `${params(P)}${bkS.decl}${MATH}${head}${tiles(['Qs', 'dOs', 'Ks', 'Vs'])}
var<workgroup> Ps: array<f32, ${blk * blk}>;
var<workgroup> dSs: array<f32, ${blk * blk}>;
var<workgroup> Lr: array<f32, ${blk}>;
var<workgroup> Dr: array<f32, ${blk}>;
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${locate(blk)}
  let k0 = blkIdx * BLK;
  ${load('Ks', 'seq + d', 'rs', 'k0')}
  ${load('Vs', 'seq + 2u * d', 'rs', 'k0')}
  var dk: array<f32, ${per}>;
  var dv: array<f32, ${per}>;
  for (var qb = blkIdx; qb < nb; qb++) {
    let q0 = qb * BLK;
    workgroupBarrier();
    ${load('Qs', 'seq', 'rs', 'q0')}
    ${load('dOs', 'gseq', 'd', 'q0', 'dout')}
    if (lid < BLK) {
      let i = min(q0 + lid, p.T - 1u);
      Lr[lid] = state[bh * p.T + i];
      Dr[lid] = state[p.B * p.H * p.T + bh * p.T + i];
    }
    workgroupBarrier();
    for (var e = lid; e < BLK * BLK; e += ${WG}u) {
      let r = e / BLK;
      let jj = e % BLK;
      let i = q0 + r;
      let j = k0 + jj;
      ${SCORES}
      Ps[e] = pr * m;
      dSs[e] = ds;
    }
    workgroupBarrier();
    for (var t = 0u; t < ${per}u; t++) {
      let e = lid + t * ${WG}u;
      if (e >= BLK * HD) { break; }
      let jj = e / HD;
      let c = e % HD;
      var a = dk[t];
      var v = dv[t];
      for (var r = 0u; r < BLK; r++) {
        a = fma(dSs[r * BLK + jj], Qs[r * HD + c], a);
        v = fma(Ps[r * BLK + jj], dOs[r * HD + c], v);
      }
      dk[t] = a;
      dv[t] = v;
    }
  }
  for (var t = 0u; t < ${per}u; t++) {
    let e = lid + t * ${WG}u;
    if (e >= BLK * HD) { break; }
    let j = k0 + e / HD;
    if (j < p.T) {
      dqkv[seq + j * rs + d + e % HD] = dk[t];
      dqkv[seq + j * rs + 2u * d + e % HD] = dv[t];
    }
  }
}`,
    },
  };
}
