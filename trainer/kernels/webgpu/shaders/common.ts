// What every WGSL kernel shares: the parameter block (group 0, one 256-byte slot per dispatch, dynamic offset), the
// storage bindings (group 1), the flat index of a 2-D grid (dispatches past 65,535 workgroups use y), and the same
// exp and dropout hash the CPU kernels use (trainer/kernels/wasm/common.ts), so both sets round alike.

/** A compiled kernel: its WGSL and, per group-1 binding, whether it is read ('r') or written ('w'). */
export interface Shader {
  code: string;
  bindings: ('r' | 'w')[];
}

/** The parameter struct (4-byte fields only, in the order the host packs them) and its binding. */
export function params(fields: string): string {
  return `struct P { ${fields} }\n@group(0) @binding(0) var<uniform> p: P;\n`;
}

/** Storage bindings of group 1, in order: `name: type` with r (read) or w (read_write). */
export function storage(list: [string, 'r' | 'w', string?][]): { decl: string; bindings: ('r' | 'w')[] } {
  const decl = list
    .map(([name, mode, type], i) => `@group(1) @binding(${i}) var<storage, ${mode === 'w' ? 'read_write' : 'read'}> ${name}: array<${type ?? 'f32'}>;`)
    .join('\n');
  return { decl: decl + '\n', bindings: list.map((l) => l[1]) };
}

/** Builtins of a compute entry point and the flat workgroup number over a 2-D grid. */
export const ENTRY_ARGS = '@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32';
export const GROUP = 'let group = wid.x + wid.y * nwg.x;';

export const MATH = /* wgsl */ `
// Cephes expf as the CPU kernels compute it: range reduction by ln 2, degree-5 polynomial, 2^n by exponent bits.
fn exp_(x0: f32) -> f32 {
  let x = clamp(x0, -87.0, 88.0);
  let fx = round(x * 1.44269504088896341);
  var r = x - fx * 0.693359375;
  r = r - fx * -2.12194440e-4;
  let z = r * r;
  var y = 1.9875691500e-4;
  y = fma(y, r, 1.3981999507e-3);
  y = fma(y, r, 8.3334519073e-3);
  y = fma(y, r, 4.1665795894e-2);
  y = fma(y, r, 1.6666665459e-1);
  y = fma(y, r, 5.0000001201e-1);
  y = fma(y, z, r) + 1.0;
  return y * bitcast<f32>((i32(fx) + 127) << 23u);
}
// Dropout's keep test: murmur3's finalizer over (index * golden ratio + seed) against p * 2^32.
fn keep(seed: u32, i: u32, thresh: u32) -> bool {
  var x = i * 0x9e3779b1u + seed;
  x ^= x >> 16u;
  x *= 0x85ebca6bu;
  x ^= x >> 13u;
  x *= 0xc2b2ae35u;
  x ^= x >> 16u;
  return x >= thresh;
}
`;

/** A fixed-order tree reduction over a workgroup of `size` (a power of 2) in shared array `buf`; result in buf[0]. */
export function treeReduce(buf: string, size: number, op: (a: string, b: string) => string): string {
  return `
  for (var s = ${size / 2}u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid < s) { ${buf}[lid] = ${op(`${buf}[lid]`, `${buf}[lid + s]`)}; }
  }
  workgroupBarrier();`;
}
