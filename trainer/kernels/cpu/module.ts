// Loads the compiled kernels (trainer/kernels/wasm, built by the Makefile): the relaxed-SIMD build (fused
// multiply-add) where this Node accepts it, else the plain SIMD build. Node 20 has relaxed SIMD behind a V8 flag,
// which is process-wide and only read when a module is compiled, so it is set here before compiling.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

export interface KernelModule {
  module: WebAssembly.Module;
  /** "relaxed SIMD (FMA)" or "SIMD" */
  features: string;
}

const cached = new Map<boolean, KernelModule>();

export function kernelModule(allowRelaxed = process.env.SLUICE_NO_RELAXED_SIMD !== '1'): KernelModule {
  const hit = cached.get(allowRelaxed);
  if (hit) return hit;
  const load = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url));
  let m: KernelModule | undefined;
  if (allowRelaxed) {
    const fma = load('kernels-fma.wasm');
    if (!WebAssembly.validate(fma)) setFlagsFromString('--experimental-wasm-relaxed-simd');
    if (WebAssembly.validate(fma)) m = { module: new WebAssembly.Module(fma), features: 'relaxed SIMD (FMA)' };
  }
  if (!m) {
    const simd = load('kernels-simd.wasm');
    if (!WebAssembly.validate(simd)) throw new Error('this Node.js cannot run WebAssembly SIMD (Node 20 or later is needed)');
    m = { module: new WebAssembly.Module(simd), features: 'SIMD' };
  }
  cached.set(allowRelaxed, m);
  return m;
}
