// The WebGPU kernel set for the tests, where an adapter answers (a GPU, or Mesa's lavapipe: `make test-webgpu`
// installs it). Elsewhere the tests skip with the reason; SLUICE_REQUIRE_WEBGPU=1 turns the skip into a failure.
import type { Kernels } from '../../trainer/kernels/kernels.js';
import { WebgpuKernels } from '../../trainer/kernels/webgpu/webgpuKernels.js';

export const REQUIRE_WEBGPU = process.env.SLUICE_REQUIRE_WEBGPU === '1';

/** A fresh WebGPU kernel set, or why there is none (the first line of its error). */
export async function openWebgpu(): Promise<{ k: Kernels } | { reason: string }> {
  try {
    return { k: (await WebgpuKernels.create()) as unknown as Kernels };
  } catch (e) {
    const reason = `no WebGPU adapter here (${(e as Error).message.split('\n')[0]}); make test-webgpu runs these on lavapipe`;
    if (REQUIRE_WEBGPU) throw new Error(`SLUICE_REQUIRE_WEBGPU=1 but ${reason}:\n${(e as Error).message}`);
    return { reason };
  }
}
