// The stage contract. Every stage is a name, an options schema with defaults, an optional per-worker `init`, and
// the pure function(s) of its kind. What a corpus-wide step needs from the engine beyond that (a file outside the
// pipeline, an earlier step's output, a sample size, a pipeline-wide setting) the stage declares here; the engine
// and its runners never name a stage, an option or a stage's file.
import type { z } from 'zod';
import type { Doc, MetaValue } from '../datasets/doc.js';

/** Settings made once at the pipeline level and handed to every stage that declares it `inherits` them. */
export interface PipelineSettings {
  /** Share of documents held out for validation, by document-id hash (shards/split.ts). */
  validationFraction: number;
}
export type PipelineSetting = keyof PipelineSettings;

/** An earlier step of the same pipeline, as a stage may refer to it (e.g. encode's `tokenizer: 'bpe-train'`). */
export interface EarlierStep {
  stage: string;
  /** Its folder: where its files are. */
  path: string;
}

/** A file outside the pipeline that a step's output depends on: fingerprinted by content, not by name. */
export interface ExternalFile {
  /** The option that names it (the fingerprint records `<option>Sha256`). */
  option: string;
  path: string;
  /** What to do when it is missing, e.g. 'pass a tokenizer.json path, "gpt2" or "bpe-train"'. */
  hint: string;
}

interface StageBase<Schema extends z.ZodObject, State> {
  name: string;
  /** One line shown by `sluice stages`. */
  description: string;
  /** Stages that must come earlier in the pipeline (checked when the definition is loaded). */
  requires?: string[];
  /** Bumped when the stage's output changes for the same options, so old outputs are not reused (default 1). */
  version?: number;
  /** The options: types, defaults and validation in one place; unknown keys are rejected. */
  options: Schema;
  /** Options the pipeline sets for every stage that takes them (a user sets them once, at the top level). */
  inherits?: readonly PipelineSetting[];
  /** Files outside the pipeline that the output depends on. */
  externalFiles?: (options: z.output<Schema>) => ExternalFile[];
  /** The options a run uses, with references to earlier steps' outputs resolved (throws a UserError if one is missing). */
  resolve?: (options: z.output<Schema>, earlier: readonly EarlierStep[]) => z.output<Schema>;
  /** Runs once per worker thread per options (load a model, a tokenizer, a hasher). */
  init?: (options: z.output<Schema>) => State | Promise<State>;
}

/** What a document stage returns for a batch: kept documents, dropped ones with a reason, and extra counters. */
export interface StageOutput {
  kept: Doc[];
  rejected: { doc: Doc; reason: string }[];
  /** Counters beyond kept/dropped, e.g. `lines-removed.link-density`; merged across workers by addition. */
  counters?: Record<string, number>;
}

/** A per-document stage: consecutive ones are fused and run in worker threads, batch by batch. */
export interface DocStage<Schema extends z.ZodObject = z.ZodObject, State = unknown> extends StageBase<Schema, State> {
  kind: 'document';
  /** Pure and deterministic: never mutates its input, never throws for a bad document (it drops it with a reason). */
  run: (docs: readonly Doc[], options: z.output<Schema>, state: State) => StageOutput | Promise<StageOutput>;
}

/** Per-document 64-bit keys from a dedup stage's map: `columns` keys per document, column-major. */
export interface KeyColumns {
  columns: number;
  rows: number;
  /** Key (column c, row r) is (keys[2 * (c * rows + r)], keys[2 * (c * rows + r) + 1]). */
  keys: Uint32Array;
  /** 0: the document takes no part (nothing to compare): never a duplicate, never a representative. */
  valid: Uint8Array;
}

/**
 * A corpus-wide dedup stage: a map over batches in workers (keys per document), then the runner's reduce
 * (documents sharing any key are joined; the first in input order is kept), then a filter pass.
 */
export interface DedupStage<Schema extends z.ZodObject = z.ZodObject, State = unknown> extends StageBase<Schema, State> {
  kind: 'dedup';
  map: (docs: readonly Doc[], options: z.output<Schema>, state: State) => KeyColumns | Promise<KeyColumns>;
  /** Optional exact check of candidate pairs before they are joined. */
  verify?: {
    enabled: (options: z.output<Schema>) => boolean;
    threshold: (options: z.output<Schema>) => number;
    /** A sorted, de-duplicated feature set of one document (e.g. shingle hashes). */
    features: (doc: Doc, options: z.output<Schema>, state: State) => Uint32Array;
    /** Similarity of two feature sets in [0, 1] (e.g. Jaccard); a pair at or above `threshold` is joined. */
    similarity: (a: Uint32Array, b: Uint32Array) => number;
  };
  /** Meta for each kept document from the size of its cluster (1: no duplicate), e.g. FineWeb-2's minhash_cluster_size. */
  clusterMeta?: (size: number, options: z.output<Schema>) => Record<string, MetaValue>;
}

/** What an artifact stage's count sees besides the documents. */
export interface CountContext {
  /** Share of documents to use (the stage's `sampleBytes` / corpus bytes, at most 1), decided by document id. */
  sampleFraction: number;
}

/** What an artifact stage's reduce gives: files for the step folder, figures for the stats, and what its filter needs. */
export interface Learned {
  files: Record<string, string | Uint8Array>;
  stats: Record<string, number>;
  /** Plain data handed to `keep` (saved with the step, so a rerun filters without relearning). */
  learned?: Record<string, unknown>;
}

/**
 * A corpus-wide stage that learns from the whole corpus: counts in workers, then one reduce that writes an artifact
 * (a tokenizer, a table). Documents pass through, unless the stage has `keep`: then each is kept or dropped by what
 * was learned (e.g. languages with too little text).
 */
export interface ArtifactStage<Schema extends z.ZodObject = z.ZodObject, State = unknown> extends StageBase<Schema, State> {
  kind: 'artifact';
  /** Learn from a deterministic sample of about this many bytes of text (default: everything). */
  sampleBytes?: (options: z.output<Schema>) => number;
  /** Per batch in workers: counts to be summed across the corpus. */
  count: (docs: readonly Doc[], options: z.output<Schema>, state: State, ctx: CountContext) => Record<string, number> | Promise<Record<string, number>>;
  /** Once, on the summed counts. */
  reduce: (counts: Map<string, number>, options: z.output<Schema>) => Learned;
  /** Optional second pass: null keeps the document, a string drops it with that reason. Pure and deterministic. */
  keep?: (doc: Doc, options: z.output<Schema>, learned: Record<string, unknown>) => string | null;
}

/** Token ids of a batch of documents: document i is values[offsets[i]..offsets[i+1]). */
export interface EncodedBatch {
  values: Uint32Array;
  offsets: Uint32Array;
}

/** What the shard writer needs to know about the tokenizer behind the ids. */
export interface ShardTokenizer {
  /** How the shards name it (a name, not a path: the same run elsewhere gives the same bytes). */
  name: string;
  hash: string;
  vocabSize: number;
  eotId: number;
  /** A tokenizer.json to copy beside the shards, so the folder stands alone (null for a built-in one). */
  file: string | null;
}

/** A stage whose output is token shards: encodes in workers; the runner writes the shards in input order. */
export interface ShardStage<Schema extends z.ZodObject = z.ZodObject, State = unknown> extends StageBase<Schema, State> {
  kind: 'shards';
  /** Tokens per shard (cut between documents). */
  shardTokens: (options: z.output<Schema>) => number;
  /** The tokenizer, opened in the main thread (with resolved options). */
  tokenizer: (options: z.output<Schema>) => ShardTokenizer;
  encode: (docs: readonly Doc[], options: z.output<Schema>, state: State) => EncodedBatch;
}

export type Stage = DocStage | DedupStage | ArtifactStage | ShardStage;
export type StageKind = Stage['kind'];

/** Declares a stage with its types inferred from the options schema. */
export function defineStage<Schema extends z.ZodObject, State = undefined>(stage: DocStage<Schema, State>): DocStage<Schema, State> {
  return stage;
}

export function defineDedupStage<Schema extends z.ZodObject, State = undefined>(stage: DedupStage<Schema, State>): DedupStage<Schema, State> {
  return stage;
}

export function defineArtifactStage<Schema extends z.ZodObject, State = undefined>(stage: ArtifactStage<Schema, State>): ArtifactStage<Schema, State> {
  return stage;
}

export function defineShardStage<Schema extends z.ZodObject, State = undefined>(stage: ShardStage<Schema, State>): ShardStage<Schema, State> {
  return stage;
}
