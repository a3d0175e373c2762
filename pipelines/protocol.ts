// Everything that crosses the thread boundary between the engine and its workers: plain data only.
import type { Doc } from '../datasets/doc.js';

export interface StepSpec {
  stage: string;
  options: Record<string, unknown>;
  /** Identifies (stage, options) so a worker initialises each stage state once. */
  key: string;
}

/** One task: a batch of documents through a run of fused per-document steps. */
export interface BatchTask {
  kind: 'steps';
  steps: StepSpec[];
  docs: Doc[];
}

/** The map step of a global stage over one batch; the result (typed arrays) is transferred back. */
export interface MapTask {
  kind: 'map';
  step: StepSpec;
  docs: Doc[];
}

/** The count step of a train stage over one batch. */
export interface CountTask {
  kind: 'count';
  step: StepSpec;
  docs: Doc[];
  sampleFraction: number;
}

/** The encode step of a sink stage over one batch. */
export interface SinkTask {
  kind: 'sink';
  step: StepSpec;
  docs: Doc[];
}

export interface StepCounters {
  docsIn: number;
  docsOut: number;
  bytesIn: number;
  bytesOut: number;
  dropped: Record<string, number>;
  extra: Record<string, number>;
  /** Milliseconds spent in the stage's run, summed over workers (not deterministic; stats only). */
  cpuMs: number;
}

export interface StepResult {
  kept: Doc[];
  rejected: { doc: Doc; reason: string }[];
  counters: StepCounters;
}

export interface BatchResult {
  steps: StepResult[];
}

export function emptyCounters(): StepCounters {
  return { docsIn: 0, docsOut: 0, bytesIn: 0, bytesOut: 0, dropped: {}, extra: {}, cpuMs: 0 };
}

function addInto(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** Counters merge by addition, so parts and workers combine in any grouping. */
export function mergeCounters(into: StepCounters, from: StepCounters): StepCounters {
  into.docsIn += from.docsIn;
  into.docsOut += from.docsOut;
  into.bytesIn += from.bytesIn;
  into.bytesOut += from.bytesOut;
  into.cpuMs += from.cpuMs;
  addInto(into.dropped, from.dropped);
  addInto(into.extra, from.extra);
  return into;
}
