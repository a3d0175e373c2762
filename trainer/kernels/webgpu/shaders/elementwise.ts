// WGSL: one invocation per element (GELU, SwiGLU, residual add, dropout, AdamW), 256 per workgroup; and the sum of
// squares of each 1024-element chunk (the host adds the chunks in order, in float64).
import { ENTRY_ARGS, GROUP, MATH, params, storage, treeReduce, type Shader } from './common.js';

export const WG = 256;
export const SUMSQ_CHUNK = 1024;

function elementwise(fields: string, list: [string, 'r' | 'w', string?][], body: string): Shader {
  const s = storage(list);
  return {
    bindings: s.bindings,
    code: `${params(`n: u32, ${fields}`)}${s.decl}${MATH}
const GC: f32 = 0.7978845608028654;
const GA: f32 = 0.044715;
fn tanh_(u: f32) -> f32 { return 1.0 - 2.0 / (exp_(u + u) + 1.0); }
fn sigmoid_(g: f32) -> f32 { return 1.0 / (1.0 + exp_(-g)); }
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${GROUP}
  let i = group * ${WG}u + lid;
  if (i >= p.n) { return; }
  ${body}
}`,
  };
}

export const ELEMENTWISE: Record<string, Shader> = {
  gelu: elementwise('', [['out', 'w'], ['inp', 'r']], `
  let x = inp[i];
  let t = tanh_(GC * fma(GA, x * x * x, x));
  out[i] = 0.5 * x * (1.0 + t);`),
  gelu_bwd: elementwise('', [['dinp', 'w'], ['dout', 'r'], ['inp', 'r']], `
  let x = inp[i];
  let t = tanh_(GC * fma(GA, x * x * x, x));
  let sech2 = 1.0 - t * t;
  let du = GC * fma(3.0 * GA, x * x, 1.0);
  dinp[i] = dout[i] * (0.5 * (1.0 + t) + 0.5 * x * sech2 * du);`),
  swiglu: elementwise('', [['out', 'w'], ['gate', 'r'], ['up', 'r']], `
  let g = gate[i];
  out[i] = g * sigmoid_(g) * up[i];`),
  swiglu_bwd: elementwise('', [['dgate', 'w'], ['dup', 'w'], ['dout', 'r'], ['gate', 'r'], ['up', 'r']], `
  let g = gate[i];
  let s = sigmoid_(g);
  let d = dout[i];
  dup[i] = d * (g * s);
  dgate[i] = d * up[i] * (s * (1.0 + g * (1.0 - s)));`),
  add: elementwise('', [['out', 'w'], ['a', 'r'], ['b', 'r']], `out[i] = a[i] + b[i];`),
  /** out += b (the residual add where the output is its first input). */
  add_inplace: elementwise('', [['out', 'w'], ['b', 'r']], `out[i] = out[i] + b[i];`),
  dropout: elementwise('thresh: u32, scale: f32, seed: u32', [['out', 'w'], ['inp', 'r']], `out[i] = select(0.0, inp[i] * p.scale, keep(p.seed, i, p.thresh));`),
  dropout_inplace: elementwise('thresh: u32, scale: f32, seed: u32', [['out', 'w']], `out[i] = select(0.0, out[i] * p.scale, keep(p.seed, i, p.thresh));`),
  // AdamW as PyTorch: p *= 1 - lr*wd; m, v moments of g = grad * gscale; p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
  adamw: elementwise(
    'b1: f32, b2: f32, eps: f32, decay: f32, step: f32, sqrtBc2: f32, gscale: f32',
    [['prm', 'w'], ['grad', 'r'], ['m', 'w'], ['v', 'w']],
    `
  let g = grad[i] * p.gscale;
  let mm = p.b1 * m[i] + (1.0 - p.b1) * g;
  let vv = p.b2 * v[i] + (1.0 - p.b2) * (g * g);
  let denom = sqrt(vv) / p.sqrtBc2 + p.eps;
  prm[i] = prm[i] * p.decay - p.step * (mm / denom);
  m[i] = mm;
  v[i] = vv;`,
  ),
};

const sumsqStorage = storage([['partial', 'w'], ['x', 'r']]);
/** partial[at + c] = sum of squares of chunk c of x: each invocation 4 strided values, then a fixed tree. */
ELEMENTWISE.sumsq = {
  bindings: sumsqStorage.bindings,
  code: `${params('n: u32, at: u32')}${sumsqStorage.decl}
var<workgroup> acc: array<f32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(${ENTRY_ARGS}) {
  ${GROUP}
  let base = group * ${SUMSQ_CHUNK}u;
  var s = 0.0;
  for (var e = 0u; e < ${SUMSQ_CHUNK / WG}u; e++) {
    let i = base + e * ${WG}u + lid;
    if (i < p.n) { let v = x[i]; s = fma(v, v, s); }
  }
  acc[lid] = s;
  ${treeReduce('acc', WG, (a, b) => `${a} + ${b}`)}
  if (lid == 0u && base < p.n) { partial[p.at + group] = acc[0]; }
}`,
};
