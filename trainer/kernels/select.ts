// Picks the kernel set a command runs on: `cpu` (our WebAssembly SIMD kernels on every core, the default), `webgpu`
// (our WGSL kernels on a GPU through Dawn) or a TensorFlow.js backend (`tensorflow` = tfjs-node[-gpu],
// `tfjs-webgpu`, or tfjs's own `tfjs-wasm` / `tfjs-cpu`); each is loaded only when asked for, so the default path
// never imports TensorFlow.js or Dawn.
import type { Kernels } from './kernels.js';

export const KERNEL_SETS = ['cpu', 'webgpu', 'tensorflow', 'tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu'] as const;
export type KernelSetName = (typeof KERNEL_SETS)[number];

/** `wasm` was the name of the default before the CPU kernels (checkpoints of older runs still say it). */
export function kernelSetName(name: string): KernelSetName {
  return name === 'wasm' ? 'cpu' : (name as KernelSetName);
}

export async function openKernels(name: string, o: { threads?: number } = {}): Promise<Kernels> {
  const set = kernelSetName(name);
  if (set === 'cpu') {
    const { CpuKernels } = await import('./cpu/cpuKernels.js');
    return (await CpuKernels.create({ threads: o.threads })) as unknown as Kernels;
  }
  if (set === 'webgpu') {
    const { WebgpuKernels } = await import('./webgpu/webgpuKernels.js');
    return (await WebgpuKernels.create()) as unknown as Kernels;
  }
  const { TfjsKernels } = await import('./tfjs/tfjsKernels.js');
  const backend = set === 'tfjs-wasm' ? 'wasm' : set === 'tfjs-cpu' ? 'cpu' : set === 'tfjs-webgpu' ? 'webgpu' : set;
  return (await TfjsKernels.create(backend)) as unknown as Kernels;
}
