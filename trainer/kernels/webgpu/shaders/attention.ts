// WGSL: causal multi-head attention over qkv rows [B*T, 3d] (q | k | v, head h at h*hd). Forward: one workgroup of
// 64 per (sequence, head, query): scores of the unmasked keys into probs [B, H, T, T], softmax in place (fixed-order
// tree max and sum), then each output value sums its keys in order. Backward in two passes like the CPU kernels:
// per query (ds row into scratch [B, H, T, T], dq), then per key (dk, dv), each sum over its rows in order.
// Dropout masks the probabilities by the same hash as the CPU set (index (bh*T + t)*T + j); probs keep them unmasked.
import { ENTRY_ARGS, GROUP, MATH, params, storage, treeReduce, type Shader } from './common.js';

const WG = 64;
const P = 'B: u32, T: u32, H: u32, hd: u32, scale: f32, thresh: u32, dscale: f32, seed: u32';
/** Where the (sequence, head, row) of this workgroup is; q, k and v of row i of the sequence at qkv[base(i) + {0, d, 2d}]. */
const LOCATE = `
  ${GROUP}
  let rows = p.B * p.H * p.T;
  let g = min(group, rows - 1u);
  let t = g % p.T;
  let bh = g / p.T;
  let b = bh / p.H;
  let h = bh % p.H;
  let d = p.H * p.hd;
  let rs = 3u * d;
  let seq = b * p.T * rs + h * p.hd;
  let prow = (bh * p.T + t) * p.T;
  let drop = p.thresh != 0u;`;

const fwdS = storage([['out', 'w'], ['probs', 'w'], ['qkv', 'r']]);
const bwdQS = storage([['dqkv', 'w'], ['ds', 'w'], ['dout', 'r'], ['qkv', 'r'], ['probs', 'r']]);
const bwdKS = storage([['dqkv', 'w'], ['ds', 'r'], ['dout', 'r'], ['qkv', 'r'], ['probs', 'r']]);

export const ATTENTION: Record<string, Shader> = {
  attention: {
    bindings: fwdS.bindings,
    code: `${params(P)}${fwdS.decl}${MATH}
var<workgroup> red: array<f32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${LOCATE}
  let live = group < rows;
  let q = seq + t * rs;
  var m = -3.4e38;
  for (var j = lid; j <= t; j += ${WG}u) {
    let k = seq + j * rs + d;
    var s = 0.0;
    for (var c = 0u; c < p.hd; c++) { s = fma(qkv[q + c], qkv[k + c], s); }
    s = s * p.scale;
    if (live) { probs[prow + j] = s; }
    m = max(m, s);
  }
  red[lid] = m;
  ${treeReduce('red', WG, (a, b) => `max(${a}, ${b})`)}
  let mx = red[0];
  workgroupBarrier();
  var sum = 0.0;
  for (var j = lid; j <= t; j += ${WG}u) {
    if (live) {
      let e = exp_(probs[prow + j] - mx);
      probs[prow + j] = e;
      sum += e;
    }
  }
  red[lid] = sum;
  ${treeReduce('red', WG, (a, b) => `${a} + ${b}`)}
  let inv = 1.0 / red[0];
  for (var j = lid; j <= t; j += ${WG}u) {
    if (live) { probs[prow + j] = probs[prow + j] * inv; }
  }
  storageBarrier();
  workgroupBarrier();
  if (!live) { return; }
  let o = (b * p.T + t) * d + h * p.hd;
  for (var c = lid; c < p.hd; c += ${WG}u) {
    var acc = 0.0;
    for (var j = 0u; j <= t; j++) {
      var pj = probs[prow + j];
      if (drop) { pj = select(0.0, pj * p.dscale, keep(p.seed, prow + j, p.thresh)); }
      acc = fma(pj, qkv[seq + j * rs + 2u * d + c], acc);
    }
    out[o + c] = acc;
  }
}`,
  },
  /** Per query t: dp_j = dout_t . v_j (masked like p'), ds_j = p_j (dp_j - sum_k p_k dp_k) * scale; dq_t = sum_j ds_j k_j. */
  attention_bwd_q: {
    bindings: bwdQS.bindings,
    code: `${params(P)}${bwdQS.decl}${MATH}
var<workgroup> red: array<f32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${LOCATE}
  let live = group < rows;
  let go = (b * p.T + t) * d + h * p.hd;
  var s = 0.0;
  for (var j = lid; j <= t; j += ${WG}u) {
    let v = seq + j * rs + 2u * d;
    var dp = 0.0;
    for (var c = 0u; c < p.hd; c++) { dp = fma(dout[go + c], qkv[v + c], dp); }
    if (drop) { dp = select(0.0, dp * p.dscale, keep(p.seed, prow + j, p.thresh)); }
    if (live) { ds[prow + j] = dp; }
    s = fma(probs[prow + j], dp, s);
  }
  red[lid] = s;
  ${treeReduce('red', WG, (a, b) => `${a} + ${b}`)}
  let tot = red[0];
  for (var j = lid; j <= t; j += ${WG}u) {
    if (live) { ds[prow + j] = probs[prow + j] * (ds[prow + j] - tot) * p.scale; }
  }
  storageBarrier();
  workgroupBarrier();
  if (!live) { return; }
  for (var c = lid; c < p.hd; c += ${WG}u) {
    var acc = 0.0;
    for (var j = 0u; j <= t; j++) { acc = fma(ds[prow + j], qkv[seq + j * rs + d + c], acc); }
    dqkv[seq + t * rs + c] = acc;
  }
}`,
  },
  /** Per key j: dk_j = sum_{t >= j} ds_tj q_t, dv_j = sum_{t >= j} p'_tj dout_t, t in order. */
  attention_bwd_kv: {
    bindings: bwdKS.bindings,
    code: `${params(P)}${bwdKS.decl}${MATH}
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${LOCATE}
  if (group >= rows) { return; }
  let j = t;
  let col = bh * p.T * p.T + j;
  let gseq = b * p.T * d + h * p.hd;
  for (var c = lid; c < p.hd; c += ${WG}u) {
    var dk = 0.0;
    var dv = 0.0;
    for (var i = j; i < p.T; i++) {
      let e = col + i * p.T;
      dk = fma(ds[e], qkv[seq + i * rs + c], dk);
      var pij = probs[e];
      if (drop) { pij = select(0.0, pij * p.dscale, keep(p.seed, e, p.thresh)); }
      dv = fma(pij, dout[gseq + i * d + c], dv);
    }
    dqkv[seq + j * rs + d + c] = dk;
    dqkv[seq + j * rs + 2u * d + c] = dv;
  }
}`,
  },
};

const ropeS = storage([['qkv', 'w'], ['cosT', 'r'], ['sinT', 'r']]);
/** RoPE (GPT-NeoX halves) on q and k of qkv rows in place, one invocation per rotated pair; sign -1 rotates back. */
ATTENTION.rope = {
  bindings: ropeS.bindings,
  code: `${params('N: u32, T: u32, H: u32, hd: u32, sign: f32')}${ropeS.decl}
@compute @workgroup_size(256) fn main(${ENTRY_ARGS}) {
  ${GROUP}
  let half = p.hd / 2u;
  let idx = group * 256u + lid;
  let perRow = 2u * p.H * half;
  if (idx >= p.N * perRow) { return; }
  let n = idx / perRow;
  let rest = idx % perRow;
  let ph = rest / half;
  let i = rest % half;
  let t = n % p.T;
  let d = p.H * p.hd;
  let x = n * 3u * d + (ph / p.H) * d + (ph % p.H) * p.hd;
  let c = cosT[t * half + i];
  let s = sinT[t * half + i] * p.sign;
  let x1 = qkv[x + i];
  let x2 = qkv[x + i + half];
  qkv[x + i] = x1 * c - x2 * s;
  qkv[x + i + half] = x2 * c + x1 * s;
}`,
};
