// Validation loss and perplexity over the validation shards (in order, whole windows), and the same measure
// for a unigram model fitted on the training split (add-one smoothed), the baseline a model must beat.
import { DataLoader } from '../shards/loader.js';
import { ShardSet } from '../shards/reader.js';
import type { GPT } from './model.js';

export interface EvalResult {
  loss: number;
  perplexity: number;
  tokens: number;
}

/** The validation windows an evaluation reads: `batches` (B, T+1) batches in order, or all (0). */
export async function validationBatches(shards: string, B: number, T: number, batches: number): Promise<Int32Array[]> {
  const loader = await DataLoader.open({ dir: shards, split: 'val', batchSize: B, contextLength: T, shuffle: false, prefetch: 1 });
  try {
    const n = batches > 0 ? Math.min(batches, loader.stepsPerEpoch) : loader.stepsPerEpoch;
    const out: Int32Array[] = [];
    for (let i = 0; i < n; i++) out.push((await loader.next()).tokens);
    return out;
  } finally {
    await loader.close();
  }
}

export function evaluate(model: GPT, batches: Int32Array[], B: number, T: number): EvalResult {
  let sum = 0;
  for (const w of batches) sum += model.forward(w, B, T);
  const loss = sum / batches.length;
  return { loss, perplexity: Math.exp(loss), tokens: batches.length * B * T };
}

/** Token counts of the training split (each document followed by end-of-text, as the loader streams it). */
export async function unigramCounts(shards: string, vocabSize: number): Promise<Float64Array> {
  const set = await ShardSet.open(shards, 'train');
  const counts = new Float64Array(vocabSize);
  const eot = set.manifest.tokenizer.eotId;
  try {
    for (let s = 0; s < set.shards.length; s++)
      for (let b = 0; b < set.shards[s].batches.length; b++) {
        const tb = await set.batch(s, b);
        for (let i = 0; i < tb.values.length; i++) counts[tb.values[i]]++;
        counts[eot] += tb.offsets.length - 1;
      }
  } finally {
    await set.close();
  }
  return counts;
}

/** Cross-entropy of the same validation targets under the add-one smoothed unigram model. */
export function unigramEval(counts: Float64Array, batches: Int32Array[], B: number, T: number): EvalResult {
  let total = counts.length;
  for (const c of counts) total += c;
  let sum = 0;
  let n = 0;
  for (const w of batches)
    for (let b = 0; b < B; b++)
      for (let t = 1; t <= T; t++) {
        sum -= Math.log((counts[w[b * (T + 1) + t]] + 1) / total);
        n++;
      }
  return { loss: sum / n, perplexity: Math.exp(sum / n), tokens: n };
}
