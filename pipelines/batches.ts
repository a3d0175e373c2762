// The one batching loop every step kind uses: documents are grouped by the pipeline's batchDocs / batchBytes
// (UTF-8 bytes), sent to the pool with a bounded number of batches and bytes outstanding, and taken back in
// submission order, so outputs never depend on thread timing and memory is bounded by what is in flight: a
// document larger than the whole byte budget is sent alone, once everything before it has come back.
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

/** What may be outstanding at once: batches, and UTF-8 bytes of text. */
export interface InFlight {
  batches: number;
  bytes: number;
}

/** The budget of a run: `perThread` batches per worker thread, each up to batchBytes. */
export function inFlightBudget(threads: number, perThread: number, limits: BatchLimits): InFlight {
  return { batches: threads * perThread, bytes: threads * perThread * limits.batchBytes };
}

/**
 * Runs `run` on every batch within the in-flight budget and hands each result to `take` in submission order.
 * On an error, waits for what is in flight (no stray rejections) and rethrows.
 */
export async function inOrder<B extends { bytes: number }, R>(
  batches: AsyncIterable<B>,
  budget: InFlight,
  run: (batch: B) => Promise<R>,
  take: (batch: B, result: R) => void | Promise<void>,
): Promise<void> {
  const queue: { batch: B; result: Promise<R> }[] = [];
  let bytes = 0;
  const drainOne = async (): Promise<void> => {
    const head = queue.shift()!;
    bytes -= head.batch.bytes;
    await take(head.batch, await head.result);
  };
  try {
    const it = batches[Symbol.asyncIterator]();
    for (;;) {
      // With the byte budget already spent (a huge document in flight), read nothing more until it is back.
      while (queue.length > 0 && bytes >= budget.bytes) await drainOne();
      const next = await it.next();
      if (next.done) break;
      const batch = next.value;
      while (queue.length > 0 && (queue.length >= budget.batches || bytes + batch.bytes > budget.bytes)) await drainOne();
      bytes += batch.bytes;
      queue.push({ batch, result: run(batch) });
    }
    while (queue.length) await drainOne();
  } catch (e) {
    await Promise.allSettled(queue.map((q) => q.result));
    throw e;
  }
}
