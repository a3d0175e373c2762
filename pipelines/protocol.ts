// Everything that crosses the thread boundary between the engine and its workers: plain data and typed arrays only.
import type { StepCounters } from '../datasets/counters.js';
import type { Doc } from '../datasets/doc.js';

/** What a worker needs to run one step: the stage, the options it runs with, and a key for its per-worker state. */
export interface StepSpec {
  stage: string;
  options: Record<string, unknown>;
  /** Identifies (stage, options) so a worker initialises each stage state once. */
  key: string;
}

/** A batch through a run of fused document steps. */
export interface DocumentsTask {
  kind: 'documents';
  steps: StepSpec[];
  docs: Doc[];
}

/** A dedup stage's map over one batch: per-document keys (typed arrays) come back. */
export interface KeysTask {
  kind: 'keys';
  step: StepSpec;
  docs: Doc[];
}

/** An artifact stage's count over one batch. */
export interface CountsTask {
  kind: 'counts';
  step: StepSpec;
  docs: Doc[];
  sampleFraction: number;
}

/** A shard stage's encode over one batch: token ids (typed arrays) come back. */
export interface TokensTask {
  kind: 'tokens';
  step: StepSpec;
  docs: Doc[];
}

export type Task = DocumentsTask | KeysTask | CountsTask | TokensTask;

export interface StepResult {
  kept: Doc[];
  rejected: { doc: Doc; reason: string }[];
  counters: StepCounters;
  /**
   * Documents (indices into kept, and into rejected) whose large text is the very text they came into the step
   * with: sent back empty and restored from the step's input (a fused run would otherwise copy a 250 MB text back
   * once per step). See shareTexts / restoreTexts.
   */
  keptSame?: number[];
  rejectedSame?: number[];
}

/** The result of a DocumentsTask: one entry per fused step. */
export interface DocumentsResult {
  steps: StepResult[];
}

/** What the worker starts with (piscina workerData): stage modules to register before the first task. */
export interface WorkerSetup {
  stageModules: string[];
}
