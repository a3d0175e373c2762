// Seeded sampling: temperature, top-k and nucleus (top-p) filtering over the model's next-token logits.
import { prng } from '../datasets/prng.js';
import type { GPT } from './model.js';

export interface SampleOptions {
  maxTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  /** Stop at this id (end-of-text); it is not emitted. */
  stopId?: number;
}

/** Picks the next id from logits: greedy at temperature 0, else softmax(logits / T) cut to top-k and top-p. */
export function pickToken(logits: Float32Array, o: Pick<SampleOptions, 'temperature' | 'topK' | 'topP'>, rand: () => number): number {
  if (o.temperature <= 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  const ids = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
  const k = o.topK > 0 ? Math.min(o.topK, ids.length) : ids.length;
  const max = logits[ids[0]];
  const probs: number[] = [];
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const p = Math.exp((logits[ids[i]] - max) / o.temperature);
    probs.push(p);
    sum += p;
  }
  // nucleus: the smallest prefix whose probability reaches topP
  let keep = probs.length;
  if (o.topP > 0 && o.topP < 1) {
    let acc = 0;
    for (let i = 0; i < probs.length; i++) {
      acc += probs[i] / sum;
      if (acc >= o.topP) {
        keep = i + 1;
        break;
      }
    }
  }
  let mass = 0;
  for (let i = 0; i < keep; i++) mass += probs[i];
  let r = rand() * mass;
  for (let i = 0; i < keep; i++) {
    r -= probs[i];
    if (r <= 0) return ids[i];
  }
  return ids[keep - 1];
}

/** Continues `prompt` ids; returns only the new ids. */
export function generate(model: GPT, prompt: number[], o: SampleOptions): number[] {
  const rand = prng(o.seed);
  const ctx = [...prompt];
  const out: number[] = [];
  for (let i = 0; i < o.maxTokens; i++) {
    const next = pickToken(model.nextLogits(Int32Array.from(ctx)), o, rand);
    if (next === o.stopId) break;
    out.push(next);
    ctx.push(next);
  }
  return out;
}
