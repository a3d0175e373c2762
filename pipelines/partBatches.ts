// The loop every corpus-wide step runs over an upstream part: read its documents, send batches to the
// pool, at most 2 x threads in flight, and take the results back in submission order.
import { join } from 'node:path';
import type { Doc } from '../datasets/doc.js';
import { readDocTable } from '../datasets/docTable.js';
import type { StepSource } from './engine.js';
import type { PartEntry } from './manifest.js';
import type { Progress } from './progress.js';

export async function forEachBatchResult<R>(
  source: StepSource,
  entry: PartEntry,
  o: { batchDocs: number; threads: number; progress: Progress },
  run: (batch: Doc[]) => Promise<R>,
  take: (batch: Doc[], result: R) => void | Promise<void>,
): Promise<void> {
  const queue: { batch: Doc[]; result: Promise<R> }[] = [];
  let batch: Doc[] = [];
  let bytes = 0;
  const drain = async (): Promise<void> => {
    const head = queue.shift()!;
    await take(head.batch, await head.result);
  };
  const send = async (): Promise<void> => {
    if (batch.length === 0) return;
    queue.push({ batch, result: run(batch) });
    o.progress.add(batch.length, bytes);
    batch = [];
    bytes = 0;
    while (queue.length >= o.threads * 2) await drain();
  };
  for await (const doc of readDocTable(join(source.step.path, entry.output.file))) {
    batch.push(doc);
    bytes += doc.text.length;
    if (batch.length >= o.batchDocs) await send();
  }
  await send();
  while (queue.length) await drain();
}
