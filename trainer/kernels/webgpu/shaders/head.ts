// WGSL: the embedding lookup, its gradient without atomics (the host groups the token positions by id, so each
// (id, channel) sums its rows in position order, as the CPU kernel does), and the fused softmax cross-entropy of
// the tied head, one workgroup of 256 per row, the gradient written over the logits.
import { ENTRY_ARGS, GROUP, MATH, params, storage, treeReduce, type Shader } from './common.js';

const WG = 256;
const embS = (pos: boolean) => storage([['out', 'w'], ['tokens', 'r', 'i32'], ['wte', 'r'], ...(pos ? [['wpe', 'r'] as [string, 'r']] : [])]);
const emb = (pos: boolean): Shader => {
  const s = embS(pos);
  return {
    bindings: s.bindings,
    code: `${params('N: u32, T: u32, C: u32')}${s.decl}
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${GROUP}
  let i = group * ${WG}u + lid;
  if (i >= p.N * p.C) { return; }
  let n = i / p.C;
  let c = i % p.C;
  out[i] = wte[u32(tokens[n]) * p.C + c]${pos ? ' + wpe[(n % p.T) * p.C + c]' : ''};
}`,
  };
};

// index: [ids (U) | starts (U + 1) | positions (N)], ids ascending, positions ascending within an id
const wteS = storage([['dwte', 'w'], ['dout', 'r'], ['index', 'r', 'u32']]);
const wpeS = storage([['dwpe', 'w'], ['dout', 'r']]);
const ceS = storage([['logits', 'w'], ['losses', 'w'], ['targets', 'r', 'i32']]);

export const HEAD: Record<string, Shader> = {
  embedding: emb(false),
  embedding_pos: emb(true),
  embedding_bwd_wte: {
    bindings: wteS.bindings,
    code: `${params('U: u32, C: u32')}${wteS.decl}
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${GROUP}
  let i = group * ${WG}u + lid;
  if (i >= p.U * p.C) { return; }
  let u = i / p.C;
  let c = i % p.C;
  let dst = index[u] * p.C + c;
  var acc = dwte[dst];
  for (var k = index[p.U + u]; k < index[p.U + u + 1u]; k++) { acc += dout[index[2u * p.U + 1u + k] * p.C + c]; }
  dwte[dst] = acc;
}`,
  },
  embedding_bwd_wpe: {
    bindings: wpeS.bindings,
    code: `${params('N: u32, T: u32, C: u32')}${wpeS.decl}
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${GROUP}
  let i = group * ${WG}u + lid;
  if (i >= p.T * p.C) { return; }
  let t = i / p.C;
  let c = i % p.C;
  var acc = dwpe[i];
  for (var n = t; n < p.N; n += p.T) { acc += dout[n * p.C + c]; }
  dwpe[i] = acc;
}`,
  },
  /** losses[n] = logsumexp(row) - row[target]; with gscale != 0 the row becomes (softmax - onehot) * gscale. */
  cross_entropy: {
    bindings: ceS.bindings,
    code: `${params('N: u32, V: u32, gscale: f32')}${ceS.decl}${MATH}
var<workgroup> red: array<f32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${GROUP}
  if (group >= p.N) { return; } // surplus workgroups of a 2-D grid (uniform: barriers below stay uniform)
  let n = group;
  let row = n * p.V;
  let grad = p.gscale != 0.0;
  let tgt = u32(targets[n]);
  let lt = logits[row + tgt]; // read before the row is overwritten (the first barrier is in the reduction below)
  var m = -3.4e38;
  for (var j = lid; j < p.V; j += ${WG}u) { m = max(m, logits[row + j]); }
  red[lid] = m;
  ${treeReduce('red', WG, (a, b) => `max(${a}, ${b})`)}
  let mx = red[0];
  workgroupBarrier();
  var s = 0.0;
  for (var j = lid; j < p.V; j += ${WG}u) {
    let e = exp_(logits[row + j] - mx);
    if (grad) { logits[row + j] = e; }
    s += e;
  }
  red[lid] = s;
  ${treeReduce('red', WG, (a, b) => `${a} + ${b}`)}
  let sum = red[0];
  if (lid == 0u) { losses[n] = log(sum) - (lt - mx); }
  if (!grad) { return; }
  let f = p.gscale / sum;
  for (var j = lid; j < p.V; j += ${WG}u) {
    var v = logits[row + j] * f;
    if (j == tgt) { v -= p.gscale; }
    logits[row + j] = v;
  }
}`,
  },
};
