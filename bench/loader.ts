// Loader benchmark: tokens per second the data loader delivers on one core, and random-access latency.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataLoader } from '../shards/loader.js';
import { findShards } from '../shards/locate.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TRAINER_TOKENS_PER_S = 1000; // FACTS.md: TensorFlow.js wasm, 1.3M-parameter GPT on this machine

export async function benchLoader(): Promise<string> {
  const dir = await findShards(join(root, 'out', 'corpus'));
  const lines = [`data loader on the sample shards (${dir.replace(root, '')}), one thread, shuffled windows`];
  for (const [B, T] of [[8, 128], [16, 1024]]) {
    const dl = await DataLoader.open({ dir, batchSize: B, contextLength: T, seed: 1, prefetch: 4 });
    const steps = Math.min(dl.stepsPerEpoch * 3, 3000);
    await dl.next();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await dl.next();
    const s = (performance.now() - t0) / 1000;
    const tps = (steps * B * (T + 1)) / s;
    lines.push(`  B=${B} T=${T}: ${(tps / 1e6).toFixed(2)} M tokens/s over ${steps} batches (${(tps / TRAINER_TOKENS_PER_S).toFixed(0)}x the ~${TRAINER_TOKENS_PER_S} tokens/s the wasm trainer consumes)`);
    await dl.close();
  }
  const dl = await DataLoader.open({ dir, batchSize: 1, contextLength: 1024, seed: 2, prefetch: 1, cacheBatches: 1 });
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await dl.next();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  lines.push(`  random access, one window of 1025 tokens, record-batch cache of 1: median ${times[100].toFixed(2)} ms, p99 ${times[198].toFixed(2)} ms`);
  await dl.close();
  return lines.join('\n');
}
