// The one interface every kind of step is run through: the engine picks a runner by the stage's kind and hands
// it a segment of steps, where its documents come from, and the run's context. Runners name no stage.
import type { Piscina } from 'piscina';
import { inFlightBudget, type InFlight } from '../batches.js';
import type { InputCounters } from '../manifest.js';
import type { OnBadInput, PartTask, Source, StepPlan, StepStats } from '../plan.js';
import type { FolderLayout } from '../stepFolder.js';
import type { ResolvedPipeline } from '../validate.js';

export interface RunContext {
  pipeline: ResolvedPipeline;
  threads: number;
  quiet: boolean;
  onBadInput: OnBadInput;
  /** --from-stage: the steps being run start afresh. */
  force: boolean;
  /** The worker pool, started on first use. */
  pool: () => Piscina;
  /** Set in a cluster array task: run only this task's parts, write no manifest. */
  partTask?: PartTask;
}

export interface SegmentResult {
  steps: StepStats[];
  /** What the reader saw (only when the segment read the raw input). */
  input: InputCounters;
}

export interface StepRunner {
  /** Consecutive steps of this kind run as one segment: one read, one pass through the workers per batch. */
  fuses: boolean;
  /** Its parts are independent, so a cluster can run them as separate array tasks. */
  partTasks: boolean;
  /** It can read the raw input (otherwise it reads an earlier step's parts). */
  readsInput: boolean;
  /** What it writes besides parts/ and rejected/. */
  layout: FolderLayout;
  run: (ctx: RunContext, segment: StepPlan[], source: Source) => Promise<SegmentResult>;
}

/** Batches in flight per worker thread: enough to keep every worker busy while results are written in order. */
export const IN_FLIGHT_PER_THREAD = 2;

/** What a step may have in flight: 2 batches per thread, and as many batchBytes of text. */
export function inFlightOf(ctx: RunContext): InFlight {
  return inFlightBudget(ctx.threads, IN_FLIGHT_PER_THREAD, ctx.pipeline);
}
