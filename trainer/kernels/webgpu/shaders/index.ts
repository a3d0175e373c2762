// Every WGSL kernel of the WebGPU set by name; the device compiles one the first time a batch runs it. Attention's
// kernels are generated per head size: `flash_fwd:64` and so on.
import type { Shader } from './common.js';
import { ELEMENTWISE } from './elementwise.js';
import { HEAD } from './head.js';
import { flashShaders } from './flash.js';
import { COLSUM, matmulBigShader, matmulShader } from './matmul.js';
import { NORMS } from './norms.js';
import { ROPE } from './rope.js';

export const SHADERS: Record<string, Shader> = {
  ...ELEMENTWISE,
  ...COLSUM,
  ...NORMS,
  ...ROPE,
  ...HEAD,
  matmul: matmulShader(false, false, false),
  matmul_bias: matmulShader(false, false, true),
  matmul_nt: matmulShader(false, true, false),
  matmul_tn: matmulShader(true, false, false),
  matmul_big: matmulBigShader(false, false, false),
  matmul_bias_big: matmulBigShader(false, false, true),
  matmul_nt_big: matmulBigShader(false, true, false),
  matmul_tn_big: matmulBigShader(true, false, false),
};

/** The kernel of that name (a per-head-size one made on first use). */
export function shader(name: string): Shader {
  let s = SHADERS[name];
  if (!s) {
    const m = /^(flash_\w+):(\d+)$/.exec(name);
    if (!m) throw new Error(`no WGSL kernel named ${name}`);
    Object.assign(SHADERS, Object.fromEntries(Object.entries(flashShaders(Number(m[2]))).map(([k, v]) => [`${k}:${m[2]}`, v])));
    s = SHADERS[name];
  }
  return s;
}
