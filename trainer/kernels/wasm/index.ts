// AssemblyScript entry: every kernel the CPU kernel set calls (trainer/kernels/cpu/), compiled twice by the
// Makefile: with relaxed SIMD (fused multiply-add) and without.
export { pack_b, pack_bt, transpose, gemm, colsum } from './gemm';
export { norm_fwd, norm_bwd_inp, norm_bwd_params } from './norms';
export { gelu_fwd, gelu_bwd, swiglu_fwd, swiglu_bwd, add, dropout, adamw, sumsq } from './elementwise';
export { attention_fwd, attention_bwd, attention_scratch, rope } from './attention';
export { embed_fwd, embed_bwd, cross_entropy } from './head';
