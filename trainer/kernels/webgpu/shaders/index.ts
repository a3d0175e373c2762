// Every WGSL kernel of the WebGPU set by name; the device compiles one the first time a batch runs it.
import { ATTENTION } from './attention.js';
import type { Shader } from './common.js';
import { ELEMENTWISE } from './elementwise.js';
import { HEAD } from './head.js';
import { COLSUM, matmulBigShader, matmulShader } from './matmul.js';
import { NORMS } from './norms.js';

export const SHADERS: Record<string, Shader> = {
  ...ELEMENTWISE,
  ...COLSUM,
  ...NORMS,
  ...ATTENTION,
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
