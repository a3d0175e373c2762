// What a run report shows, as plain data collected from the run's own files (stats.json, manifests, part files,
// shards, metrics.jsonl); the page is made from these alone, and the test compares them with those files.
export interface StepFacts {
  dir: string;
  stage: string;
  reused: boolean;
  docsIn: number;
  docsOut: number;
  bytesIn: number;
  bytesOut: number;
  wallMs: number;
  dropped: Record<string, number>;
  reduce?: Record<string, number>;
}

export interface DropExample {
  id: string;
  /** The first non-empty line of the rejected text, cut to a screen line ('' for an empty document). */
  firstLine: string;
}

export interface DropReason {
  dir: string;
  reason: string;
  count: number;
  /** count / the step's documents in. */
  share: number;
  examples: DropExample[];
}

export interface Bin {
  x0: number;
  x1: number;
  count: number;
}

export interface ThresholdLine {
  bound: 'min' | 'max';
  value: number;
  option: string;
  reason: string;
  /** Documents the quality step dropped for this reason (the first rule each failed), from stats.json. */
  dropped: number;
  /** Share of the sampled documents beyond the threshold (whatever other rule they fail first). */
  beyond: number;
}

export interface ScoreFacts {
  score: string;
  label: string;
  scale: 'linear' | 'symlog';
  bins: Bin[];
  sampled: number;
  thresholds: ThresholdLine[];
}

export interface LanguageFacts {
  lang: string;
  /** Documents cld3 gave this language (all of them, kept or not). */
  detected: number;
  /** Kept by lang-detect. */
  kept: number;
  /** At the last step that counts languages. */
  final: number;
  finalBytes: number;
}

export interface ClusterFacts {
  size: number;
  keptId: string;
  /** First line of the kept document. */
  firstLine: string;
}

export interface DedupFacts {
  dir: string;
  stage: string;
  docs: number;
  clusters: number;
  duplicates: number;
  /** Clusters of each size (2 and more documents). */
  sizes: { size: number; clusters: number }[];
  largest: ClusterFacts[];
}

export interface TokenizerFacts {
  dir: string;
  vocabSize: number;
  merges: number;
  specialTokens: string[];
  trainBytes: number;
  trainTokens: number;
  /** Measured on (a bounded sample of) the validation shards, decoded. */
  val: { docs: number; tokens: number; bytes: number } | null;
  longest: { id: number; text: string; bytes: number }[];
}

export interface ShardFacts {
  dir: string;
  totals: Record<'train' | 'val', { docs: number; tokens: number; shards: number }>;
  /** Tokens per document, from the documents read (all, or a bounded sample of record batches). */
  lengths: Bin[];
  sampledDocs: number;
}

export interface PipelineFacts {
  run: string;
  pipeline: string;
  threads: number;
  wallMs: number;
  peakRssBytes: number;
  input: { docs: number; bytes: number; bad: Record<string, number>; skipped: Record<string, number> };
  parts: number;
  steps: StepFacts[];
  drops: DropReason[];
  languages: LanguageFacts[];
  scores: { dir: string; sampledParts: number; perLanguage: boolean; facts: ScoreFacts[] } | null;
  dedup: DedupFacts[];
  tokenizer: TokenizerFacts | null;
  shards: ShardFacts | null;
  /** Sections left out, with why (a step missing from this run, an unreadable file). */
  notes: string[];
}

/** A train line of metrics.jsonl (the file format trainer/metrics.ts writes; pipelines/ does not import trainer/). */
export interface TrainPoint {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  tokensPerSec: number;
  tokensSeen: number;
  elapsedSec: number;
}

export interface TrainingFacts {
  run: string;
  train: TrainPoint[];
  evals: { step: number; valLoss: number; valPerplexity: number; tokens: number }[];
  baseline: { unigramLoss: number; unigramPerplexity: number; tokens: number } | null;
  samples: { step: number; text: string }[];
  config: Record<string, unknown> | null;
  model: Record<string, unknown> | null;
  /** The corpus run the shards came from (relative to the training run), when known. */
  pipelineRun: string | null;
}
