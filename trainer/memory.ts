// A size guard for the wasm backend, whose heap is capped at 4 GiB and never shrinks: an estimate of the
// tensor memory one training step holds, so a config that cannot fit is refused before it crashes.
import type { ModelConfig } from './config.js';
import { countParams } from './model.js';

/** What may be used of the 4 GiB wasm heap (the rest: fragmentation, temporaries between tidy scopes). */
export const WASM_BUDGET_BYTES = 3 * 2 ** 30;

export function estimateMemory(c: ModelConfig, B: number): { tensorBytes: number; detail: string } {
  const P = countParams(c);
  const N = B * c.contextLength;
  // parameters, gradients, summed gradients, AdamW m and v, the updated copy
  const paramBytes = 6 * P * 4;
  // kept for the backward pass, per layer: residual, 2 norms, qkv, attention output, projection, MLP in/act/out
  const perLayer = N * (12 * c.dModel + 3 * c.mlpHidden * (c.mlp === 'swiglu' ? 2 : 1)) * 4;
  // tied head: logits, exp, probabilities, one-hot, their gradient
  const head = 5 * N * c.vocabSize * 4;
  // temporaries live while the gradient of one op is formed: about one more layer plus the head
  const tensorBytes = paramBytes + perLayer * (c.nLayers + 1) + head;
  const mib = (x: number) => `${Math.round(x / 2 ** 20)} MiB`;
  return { tensorBytes, detail: `${mib(paramBytes)} parameters and optimizer state, ${mib(perLayer * c.nLayers)} activations, ${mib(head)} output head` };
}
