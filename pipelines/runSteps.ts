// Runs a batch through fused steps: what a worker does, also callable in-thread (tests, single-thread runs).
import { utf8Bytes, type Doc } from '../datasets/doc.js';
import { getDocStage, getGlobalStage, getSinkStage, getStage, getTrainStage } from '../stages/index.js';
import type { EncodedBatch, KeyColumns } from '../stages/stage.js';
import { emptyCounters, type BatchResult, type BatchTask, type CountTask, type MapTask, type SinkTask, type StepResult } from './protocol.js';

const states = new Map<string, Promise<unknown>>();

/** A stage threw instead of dropping a document with a reason: name the input and what to report. */
function stageFailure(stage: string, docs: readonly Doc[], e: unknown): string {
  const first = docs[0];
  const where = first ? `the batch starting at document ${first.id} (from ${first.source})` : 'an empty batch';
  return `stage ${stage} failed on ${where}: ${(e as Error).message}. Stages drop bad documents with a reason rather than throw, so this is a bug in ${stage}; report it with that document`;
}

export function stateFor(key: string, stageName: string, options: Record<string, unknown>): Promise<unknown> {
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
    const stage = getDocStage(spec.stage);
    if (!stage) throw new Error(`worker: unknown document stage "${spec.stage}"`);
    const state = await stateFor(spec.key, spec.stage, spec.options);
    const t0 = performance.now();
    let out;
    try {
      out = await stage.run(docs, spec.options, state);
    } catch (e) {
      throw new Error(stageFailure(spec.stage, docs, e));
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

/** The map step of a global stage over one batch: per-document keys. */
export async function runMap(task: MapTask): Promise<KeyColumns> {
  const stage = getGlobalStage(task.step.stage);
  if (!stage) throw new Error(`worker: unknown global stage "${task.step.stage}"`);
  const state = await stateFor(task.step.key, task.step.stage, task.step.options);
  try {
    return await stage.map(task.docs, task.step.options, state);
  } catch (e) {
    throw new Error(stageFailure(task.step.stage, task.docs, e));
  }
}

/** The count step of a train stage over one batch. */
export async function runCount(task: CountTask): Promise<Record<string, number>> {
  const stage = getTrainStage(task.step.stage);
  if (!stage) throw new Error(`worker: unknown train stage "${task.step.stage}"`);
  const state = await stateFor(task.step.key, task.step.stage, task.step.options);
  return stage.count(task.docs, task.step.options, state, { sampleFraction: task.sampleFraction });
}

/** The encode step of a sink stage over one batch. */
export async function runSink(task: SinkTask): Promise<EncodedBatch> {
  const stage = getSinkStage(task.step.stage);
  if (!stage) throw new Error(`worker: unknown sink stage "${task.step.stage}"`);
  const state = await stateFor(task.step.key, task.step.stage, task.step.options);
  return stage.encode(task.docs, task.step.options, state);
}
