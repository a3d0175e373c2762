// The one interface every document stage implements: options schema, optional per-worker init, pure run.
import type { z } from 'zod';
import type { Doc } from '../datasets/doc.js';

/** What a stage returns for a batch: kept documents, dropped ones with a reason, and extra counters. */
export interface StageOutput {
  kept: Doc[];
  rejected: { doc: Doc; reason: string }[];
  /** Counters beyond kept/dropped, e.g. `lines-removed.link-density`; merged across workers by addition. */
  counters?: Record<string, number>;
}

export interface DocStage<Schema extends z.ZodObject = z.ZodObject, State = unknown> {
  name: string;
  /** One line shown by `sluice stages`. */
  description: string;
  /** Per-document stages are fused and run in worker threads. */
  kind: 'document';
  /** Stages that must come earlier in the pipeline (checked when the definition is loaded). */
  requires?: string[];
  /** Bumped when the stage's output changes for the same options, so old outputs are not reused (default 1). */
  version?: number;
  /** The options: types, defaults and validation in one place; unknown keys are rejected. */
  options: Schema;
  /** Runs once per worker thread per options (load a model, a tokenizer, a hasher). */
  init?: (options: z.output<Schema>) => State | Promise<State>;
  /** Pure and deterministic: never mutates its input, never throws for a bad document (it drops it with a reason). */
  run: (docs: readonly Doc[], options: z.output<Schema>, state: State) => StageOutput | Promise<StageOutput>;
}

/** Declares a stage with its types inferred from the options schema. */
export function defineStage<Schema extends z.ZodObject, State = undefined>(stage: DocStage<Schema, State>): DocStage<Schema, State> {
  return stage;
}

/** Per-document 64-bit keys from a global stage's map step: `columns` keys per document, column-major. */
export interface KeyColumns {
  columns: number;
  rows: number;
  /** Key (column c, row r) is (keys[2 * (c * rows + r)], keys[2 * (c * rows + r) + 1]). */
  keys: Uint32Array;
  /** 0: the document takes no part (nothing to compare): never a duplicate, never a representative. */
  valid: Uint8Array;
}

/**
 * A corpus-wide stage: a map over batches in workers (keys per document), then the engine's reduce
 * (documents sharing any key are joined; the first in input order is kept), then a filter pass.
 */
export interface GlobalStage<Schema extends z.ZodObject = z.ZodObject, State = unknown> {
  name: string;
  description: string;
  kind: 'global';
  options: Schema;
  requires?: string[];
  version?: number;
  init?: (options: z.output<Schema>) => State | Promise<State>;
  map: (docs: readonly Doc[], options: z.output<Schema>, state: State) => KeyColumns | Promise<KeyColumns>;
  /** Optional exact check of candidate pairs before they are joined. */
  verify?: {
    enabled: (options: z.output<Schema>) => boolean;
    threshold: (options: z.output<Schema>) => number;
    /** A sorted, de-duplicated feature set of one text (e.g. shingle hashes). */
    features: (text: string, options: z.output<Schema>, state: State) => Uint32Array;
  };
}

/** What a train stage's count step sees besides the documents. */
export interface CountContext {
  /** Share of documents to use (maxTrainBytes / corpus bytes, at most 1), decided by document id. */
  sampleFraction: number;
}

/** A corpus-wide stage that learns an artifact (a tokenizer): counts in workers, then one reduce. Documents pass through. */
export interface TrainStage<Schema extends z.ZodObject = z.ZodObject, State = unknown> {
  name: string;
  description: string;
  kind: 'train';
  options: Schema;
  requires?: string[];
  version?: number;
  init?: (options: z.output<Schema>) => State | Promise<State>;
  /** Per batch in workers: counts to be summed across the corpus. */
  count: (docs: readonly Doc[], options: z.output<Schema>, state: State, ctx: CountContext) => Record<string, number> | Promise<Record<string, number>>;
  /** Once, on the summed counts: the files to write into the step folder and figures for the stats. */
  reduce: (counts: Map<string, number>, options: z.output<Schema>) => { files: Record<string, string | Uint8Array>; stats: Record<string, number> };
}

/** Token ids of a batch of documents: document i is values[offsets[i]..offsets[i+1]). */
export interface EncodedBatch {
  values: Uint32Array;
  offsets: Uint32Array;
}

/** A stage whose output is not documents but token shards: encodes in workers, the engine writes shards in order. */
export interface SinkStage<Schema extends z.ZodObject = z.ZodObject, State = unknown> {
  name: string;
  description: string;
  kind: 'sink';
  options: Schema;
  requires?: string[];
  version?: number;
  init?: (options: z.output<Schema>) => State | Promise<State>;
  encode: (docs: readonly Doc[], options: z.output<Schema>, state: State) => EncodedBatch;
}

export type Stage = DocStage | GlobalStage | TrainStage | SinkStage;

export function defineSinkStage<Schema extends z.ZodObject, State = undefined>(stage: SinkStage<Schema, State>): SinkStage<Schema, State> {
  return stage;
}

export function defineTrainStage<Schema extends z.ZodObject, State = undefined>(stage: TrainStage<Schema, State>): TrainStage<Schema, State> {
  return stage;
}

export function defineGlobalStage<Schema extends z.ZodObject, State = undefined>(stage: GlobalStage<Schema, State>): GlobalStage<Schema, State> {
  return stage;
}
