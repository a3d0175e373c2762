// What a worker does with each kind of task (also callable in-thread, as tests and the dedup verify do).
// One function per task kind, in one table: the worker dispatches on `task.kind`, never on a stage name.
import { countLanguage, emptyCounters } from '../datasets/counters.js';
import { utf8Bytes, type Doc } from '../datasets/doc.js';
import { HUGE_TEXT_BYTES, collectGarbage } from '../datasets/memory.js';
import { getStage, stageOfKind } from '../stages/index.js';
import type { EncodedBatch, KeyColumns, StageKind } from '../stages/stage.js';
import type { CountsTask, DocumentsResult, DocumentsTask, KeysTask, StepResult, Task, TokensTask } from './protocol.js';

const states = new Map<string, Promise<unknown>>();

/** A stage threw instead of dropping a document with a reason: name the input and what to report. */
function stageFailure(stage: string, docs: readonly Doc[], e: unknown): string {
  const first = docs[0];
  const where = first ? `the batch starting at document ${first.id} (from ${first.source})` : 'an empty batch';
  const why = e instanceof Error ? e.message : String(e);
  return `stage ${stage} failed on ${where}: ${why}. Stages drop bad documents with a reason rather than throw, so this is a bug in ${stage}; report it with that document`;
}

/** The stage of a task, which must be of the kind the task runs. */
function stageFor<K extends StageKind>(name: string, kind: K) {
  const stage = stageOfKind(name, kind);
  if (!stage) throw new Error(`worker: no ${kind} stage "${name}" (is its stage module listed in the pipeline's stageModules?)`);
  return stage;
}

/** The per-worker state of (stage, options), made once by the stage's init. */
export function stateFor(key: string, stageName: string, options: Record<string, unknown>): Promise<unknown> {
  let s = states.get(key);
  if (!s) {
    const stage = getStage(stageName);
    s = Promise.resolve(stage?.init ? (stage.init as (o: unknown) => unknown)(options) : undefined);
    states.set(key, s);
  }
  return s;
}

function textBytes(docs: readonly Doc[]): number {
  let n = 0;
  for (const d of docs) n += utf8Bytes(d.text);
  return n;
}

async function guarded<T>(stage: string, docs: readonly Doc[], f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw new Error(stageFailure(stage, docs, e));
  }
}

/** Texts at least this long are not sent back when a step left them as they were. */
export const SHARE_TEXT_CHARS = 1 << 16;

/** Indices of `docs` whose text is unchanged from `before` (same id) and large; those texts are blanked for the wire. */
function shareTexts(docs: Doc[], before: Map<string, string>): { docs: Doc[]; same: number[] } {
  const same: number[] = [];
  const out = docs.map((d, i) => {
    if (d.text.length < SHARE_TEXT_CHARS || before.get(d.id) !== d.text) return d;
    same.push(i);
    return { ...d, text: '' };
  });
  return { docs: out, same };
}

/** Large texts by document id, where the id is unique in the batch. */
export function textsById(docs: readonly Doc[]): Map<string, string> {
  const m = new Map<string, string>();
  const dup = new Set<string>();
  for (const d of docs) {
    if (m.has(d.id)) dup.add(d.id);
    if (d.text.length >= SHARE_TEXT_CHARS) m.set(d.id, d.text);
  }
  for (const id of dup) m.delete(id);
  return m;
}

/** Puts the shared texts back, from the texts the step received. */
export function restoreTexts(step: StepResult, before: Map<string, string>): void {
  for (const i of step.keptSame ?? []) step.kept[i] = { ...step.kept[i], text: before.get(step.kept[i].id)! };
  for (const i of step.rejectedSame ?? []) step.rejected[i] = { ...step.rejected[i], doc: { ...step.rejected[i].doc, text: before.get(step.rejected[i].doc.id)! } };
}

/** A batch through fused document steps: each step's kept documents feed the next. */
export async function runDocuments(task: DocumentsTask): Promise<DocumentsResult> {
  let docs: Doc[] = task.docs;
  const steps: StepResult[] = [];
  let bytesIn = textBytes(docs);
  const huge = bytesIn >= HUGE_TEXT_BYTES;
  // Once the result has been sent, a huge batch's texts are garbage in this worker: collect them then.
  if (huge) setImmediate(collectGarbage);
  for (const spec of task.steps) {
    const stage = stageFor(spec.stage, 'document');
    const state = await stateFor(spec.key, spec.stage, spec.options);
    const t0 = performance.now();
    const input = docs;
    const out = await guarded(spec.stage, input, () => stage.run(input, spec.options, state));
    const counters = emptyCounters();
    counters.cpuMs = performance.now() - t0;
    counters.docsIn = docs.length;
    counters.bytesIn = bytesIn;
    counters.docsOut = out.kept.length;
    counters.bytesOut = 0;
    for (const d of out.kept) {
      const b = utf8Bytes(d.text);
      counters.bytesOut += b;
      countLanguage(counters.extra, d.meta.lang, b);
    }
    for (const r of out.rejected) counters.dropped[r.reason] = (counters.dropped[r.reason] ?? 0) + 1;
    if (out.counters) for (const [k, v] of Object.entries(out.counters)) counters.extra[k] = (counters.extra[k] ?? 0) + v;
    const before = textsById(input);
    const kept = shareTexts(out.kept, before);
    const rej = shareTexts(out.rejected.map((r) => r.doc), before);
    steps.push({
      kept: kept.docs,
      rejected: out.rejected.map((r, i) => (rej.docs[i] === r.doc ? r : { ...r, doc: rej.docs[i] })),
      counters,
      ...(kept.same.length ? { keptSame: kept.same } : {}),
      ...(rej.same.length ? { rejectedSame: rej.same } : {}),
    });
    docs = out.kept;
    bytesIn = counters.bytesOut;
  }
  if (huge) {
    task.docs.length = 0; // the input texts are not part of the result (the engine has them)
    collectGarbage(); // ...nor are the stages' intermediate copies: both go before the result is copied out
  }
  return { steps };
}

/** A dedup stage's map over one batch: per-document keys. */
export async function runKeys(task: KeysTask): Promise<KeyColumns> {
  const stage = stageFor(task.step.stage, 'dedup');
  const state = await stateFor(task.step.key, task.step.stage, task.step.options);
  return guarded(task.step.stage, task.docs, () => stage.map(task.docs, task.step.options, state));
}

/** An artifact stage's count over one batch. */
export async function runCounts(task: CountsTask): Promise<Record<string, number>> {
  const stage = stageFor(task.step.stage, 'artifact');
  const state = await stateFor(task.step.key, task.step.stage, task.step.options);
  return guarded(task.step.stage, task.docs, () => stage.count(task.docs, task.step.options, state, { sampleFraction: task.sampleFraction }));
}

/** A shard stage's encode over one batch. */
export async function runTokens(task: TokensTask): Promise<EncodedBatch> {
  const stage = stageFor(task.step.stage, 'shards');
  const state = await stateFor(task.step.key, task.step.stage, task.step.options);
  return guarded(task.step.stage, task.docs, () => stage.encode(task.docs, task.step.options, state));
}

type Runs = { [K in Task['kind']]: (task: Extract<Task, { kind: K }>) => Promise<unknown> };

export const TASKS: Runs = { documents: runDocuments, keys: runKeys, counts: runCounts, tokens: runTokens };
