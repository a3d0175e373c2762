// Picks the TensorFlow.js backend. wasm and cpu ship with sluice; tensorflow (tfjs-node[-gpu]) and webgpu are
// optional installs, loaded only when asked for, with an error that says what to install.
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../datasets/errors.js';

export type BackendName = 'wasm' | 'cpu' | 'tensorflow' | 'webgpu';

/** The first of these packages that imports, or null when none is installed. */
async function importOptional(names: string[]): Promise<unknown> {
  for (const name of names) {
    try {
      return await import(name);
    } catch {
      // not installed: try the next one
    }
  }
  return null;
}

/** Registers and activates the backend; returns a description such as "wasm (SIMD, 1 thread)". */
export async function useBackend(name: BackendName): Promise<string> {
  if (tf.getBackend() === name) return name;
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
  } else if (name === 'tensorflow') {
    const got = await importOptional(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    if (!got) throw new UserError('backend "tensorflow" needs @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node: run `npm install @tensorflow/tfjs-node-gpu@4.22.0` (it downloads libtensorflow), or use --backend wasm');
  } else if (name === 'webgpu') {
    const got = await importOptional(['@tensorflow/tfjs-backend-webgpu']);
    if (!got) throw new UserError('backend "webgpu" needs @tensorflow/tfjs-backend-webgpu@4.22.0 and the `webgpu` package (Dawn): npm install both, or use --backend wasm');
    const g = globalThis as { navigator?: { gpu?: unknown } };
    if (!g.navigator?.gpu) {
      const webgpu = (await importOptional(['webgpu'])) as { create: (o: string[]) => unknown; globals: object } | null;
      if (!webgpu) throw new UserError('backend "webgpu": no navigator.gpu; install the `webgpu` package (Dawn) or use --backend wasm');
      Object.assign(globalThis, webgpu.globals);
      Object.defineProperty(globalThis, 'navigator', { value: { gpu: webgpu.create([]) }, configurable: true });
    }
  }
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new UserError(`backend "${name}" failed to initialise; try --backend wasm`);
  if (name === 'wasm') {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    return `wasm (${simd ? 'SIMD' : 'no SIMD'}, 1 thread)`;
  }
  return name;
}

/** Whether the active backend has a kernel (wasm lacks some gradients' kernels). */
export function hasKernel(kernel: string): boolean {
  return tf.getKernel(kernel, tf.getBackend()) !== undefined;
}

/** On wasm only plain 2-D matMul is fast; batched products are split into 2-D ones. */
export function splitBatchedMatMul(): boolean {
  return tf.getBackend() === 'wasm';
}
