// Runs a batch through fused steps: what a worker does, also callable in-thread (tests, single-thread runs).
import { utf8Bytes, type Doc } from '../datasets/doc.js';
import { getStage } from '../stages/index.js';
import { emptyCounters, type BatchResult, type BatchTask, type StepResult } from './protocol.js';

const states = new Map<string, Promise<unknown>>();

function stateFor(key: string, stageName: string, options: Record<string, unknown>): Promise<unknown> {
  let s = states.get(key);
  if (!s) {
    const stage = getStage(stageName);
    s = Promise.resolve(stage?.init ? stage.init(options) : undefined);
    states.set(key, s);
  }
  return s;
}

function textBytes(docs: readonly Doc[]): number {
  let n = 0;
  for (const d of docs) n += utf8Bytes(d.text);
  return n;
}

export async function runSteps(task: BatchTask): Promise<BatchResult> {
  let docs: Doc[] = task.docs;
  const steps: StepResult[] = [];
  let bytesIn = textBytes(docs);
  for (const spec of task.steps) {
    const stage = getStage(spec.stage);
    if (!stage) throw new Error(`worker: unknown stage "${spec.stage}"`);
    const state = await stateFor(spec.key, spec.stage, spec.options);
    const t0 = performance.now();
    let out;
    try {
      out = await stage.run(docs, spec.options, state);
    } catch (e) {
      const first = docs[0]?.id ?? '(empty batch)';
      throw new Error(`stage ${spec.stage} failed on the batch starting at document ${first}: ${(e as Error).message}`);
    }
    const counters = emptyCounters();
    counters.cpuMs = performance.now() - t0;
    counters.docsIn = docs.length;
    counters.bytesIn = bytesIn;
    counters.docsOut = out.kept.length;
    counters.bytesOut = textBytes(out.kept);
    for (const r of out.rejected) counters.dropped[r.reason] = (counters.dropped[r.reason] ?? 0) + 1;
    if (out.counters) counters.extra = { ...out.counters };
    steps.push({ kept: out.kept, rejected: out.rejected, counters });
    docs = out.kept;
    bytesIn = counters.bytesOut;
  }
  return { steps };
}
