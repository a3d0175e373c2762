// The one batching loop every step kind uses: documents are grouped by the pipeline's batchDocs / batchBytes
// (UTF-8 bytes), sent to the pool with at most `maxInFlight` outstanding, and taken back in submission order,
// so outputs never depend on thread timing and memory is bounded by the batches in flight.
import { utf8Bytes, type Doc } from '../datasets/doc.js';

export interface BatchLimits {
  batchDocs: number;
  batchBytes: number;
}

export interface Batch {
  docs: Doc[];
  /** UTF-8 bytes of the batch's text. */
  bytes: number;
}

/** Groups a stream of documents into batches of at most `batchDocs` documents, cut once `batchBytes` is reached. */
export async function* batchesOf(docs: AsyncIterable<Doc>, limits: BatchLimits): AsyncGenerator<Batch> {
  let batch: Doc[] = [];
  let bytes = 0;
  for await (const doc of docs) {
    batch.push(doc);
    bytes += utf8Bytes(doc.text);
    if (batch.length >= limits.batchDocs || bytes >= limits.batchBytes) {
      yield { docs: batch, bytes };
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length) yield { docs: batch, bytes };
}

/**
 * Runs `run` on every batch with at most `maxInFlight` outstanding and hands each result to `take` in submission
 * order. On an error, waits for what is in flight (no stray rejections) and rethrows.
 */
export async function inOrder<B, R>(
  batches: AsyncIterable<B>,
  maxInFlight: number,
  run: (batch: B) => Promise<R>,
  take: (batch: B, result: R) => void | Promise<void>,
): Promise<void> {
  const queue: { batch: B; result: Promise<R> }[] = [];
  const drainOne = async (): Promise<void> => {
    const head = queue.shift()!;
    await take(head.batch, await head.result);
  };
  try {
    for await (const batch of batches) {
      queue.push({ batch, result: run(batch) });
      while (queue.length >= maxInFlight) await drainOne();
    }
    while (queue.length) await drainOne();
  } catch (e) {
    await Promise.allSettled(queue.map((q) => q.result));
    throw e;
  }
}
