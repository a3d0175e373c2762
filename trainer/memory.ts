// A size guard: what one training step holds in the kernel set's memory (parameters, gradients, AdamW moments,
// the activations the backward reads, the kernels' scratch), so a config that cannot fit is refused before it
// starts. The CPU kernel set lives in one wasm memory, whose addresses stop at 4 GiB.
import type { ModelConfig } from './config.js';
import { availableParallelism } from 'node:os';
import { activationBytes, countParams, scratchNeeds } from './model.js';

/** What may be used of wasm's 4 GiB (the rest: the module's own data, rounding of blocks). */
export const WASM_BUDGET_BYTES = 3.75 * 2 ** 30;

export function estimateMemory(c: ModelConfig, B: number, threads = availableParallelism()): { bytes: number; detail: string } {
  const P = countParams(c);
  const paramBytes = 4 * P * 4; // parameters, gradients, m, v
  const acts = activationBytes(c, B);
  // the largest packed operand and transposed activation (the tied head's: V x d and V x N), attention's per-thread rows
  const s = scratchNeeds(c, B);
  const scratch = 4 * (s.operand + s.transposed + threads * (2 * s.T * s.T + s.T) + 2 * c.contextLength * c.dModel + (c.vocabSize * c.dModel) / 512) + 2 ** 20;
  const bytes = paramBytes + acts + scratch;
  const mib = (x: number) => `${Math.round(x / 2 ** 20)} MiB`;
  return { bytes, detail: `${mib(paramBytes)} parameters, gradients and AdamW moments, ${mib(acts)} activations, ${mib(scratch)} kernel scratch` };
}
