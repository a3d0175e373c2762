// The plan of a run and the types every runner shares: where the output goes, the parts of the input, each step's
// fingerprint (its options chained to everything upstream) and folder, and the range of steps still to run.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StoredCounters } from '../datasets/counters.js';
import { UserError } from '../datasets/errors.js';
import { planParts, type InputSpec, type Part } from '../datasets/inputs.js';
import { getStage } from '../stages/index.js';
import type { EarlierStep, Stage } from '../stages/stage.js';
import { inputFingerprint, stepFingerprint } from './fingerprint.js';
import type { InputCounters, StageManifest } from './manifest.js';
import type { ResolvedPipeline, ResolvedStep } from './validate.js';

export type OnBadInput = 'fail' | 'skip';

/** A cluster array task: this task's share of the parts (every count-th, from index). */
export interface PartTask {
  index: number;
  count: number;
}

export interface RunOptions {
  pipeline: ResolvedPipeline;
  cwd: string;
  input?: string[];
  format?: InputSpec['format'];
  out?: string;
  threads?: number;
  fromStage?: string;
  toStage?: string;
  onBadInput?: OnBadInput;
  quiet?: boolean;
  /** Cluster array task: process only this task's share of the first pending segment's parts, write no manifest. */
  partTask?: PartTask;
}

export interface StepPlan extends ResolvedStep {
  fingerprint: string;
  upstreamFingerprint: string;
  /** The step's folder. */
  path: string;
  /** The options the step runs with: references to earlier steps' outputs resolved to paths (not fingerprinted). */
  runOptions: Record<string, unknown>;
}

/** The output folder, the input's parts and every step's plan. */
export interface StepsPlan {
  out: string;
  spec: InputSpec;
  parts: Part[];
  plans: StepPlan[];
}

/** What a run will do: the steps' plans and the range [start, end] still to run (verified steps before it are reused). */
export interface RunPlan extends StepsPlan {
  start: number;
  end: number;
  reused: StageManifest[];
}

/** Where a segment's documents come from: the raw input, or the parts of an upstream step. */
export type Source = { kind: 'input'; parts: Part[] } | { kind: 'step'; step: StepPlan; manifest: StageManifest };
/** The source of every corpus-wide step: an upstream step's parts. */
export type StepSource = Extract<Source, { kind: 'step' }>;

export interface StepStats extends StoredCounters {
  /** Corpus-wide steps: what the reduce found or learned. */
  reduce?: Record<string, number>;
  dir: string;
  stage: string;
  reused: boolean;
  wallMs: number;
  cpuMs: number;
}

export interface RunStats {
  pipeline: string;
  out: string;
  threads: number;
  input: InputCounters;
  steps: StepStats[];
  wallMs: number;
  peakRssBytes: number;
}

function sha256Of(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

/** Options as fingerprinted: a file outside the pipeline counts by its content, not its name. */
function fingerprintOptions(s: ResolvedStep, stage: Stage | undefined, cwd: string): Record<string, unknown> {
  const files = (stage?.externalFiles as ((o: unknown) => { option: string; path: string; hint: string }[]) | undefined)?.(s.options) ?? [];
  let options = s.options;
  for (const f of files) {
    const sha = sha256Of(resolve(cwd, f.path));
    if (sha === undefined) throw new UserError(`${s.dir}: ${f.option} ${f.path}: no such file; ${f.hint}`);
    options = { ...options, [`${f.option}Sha256`]: sha };
  }
  return options;
}

/** The options a step runs with: its stage resolves references to earlier steps (errors name the step). */
function runOptionsOf(s: ResolvedStep, stage: Stage | undefined, earlier: EarlierStep[]): Record<string, unknown> {
  const resolveRefs = stage?.resolve as ((o: unknown, e: readonly EarlierStep[]) => Record<string, unknown>) | undefined;
  if (!resolveRefs) return s.options;
  try {
    return resolveRefs(s.options, earlier);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${s.dir}: ${e.message}`);
    throw e;
  }
}

/** The run's output folder. */
export function outDir(opts: RunOptions): string {
  return resolve(opts.cwd, opts.out ?? opts.pipeline.output ?? join('out', opts.pipeline.name));
}

/** Plans the input's parts and every step: folder, fingerprint, the options it runs with. */
export async function planSteps(opts: RunOptions, onBadInput: OnBadInput): Promise<StepsPlan> {
  const { pipeline, cwd } = opts;
  const spec: InputSpec = {
    ...pipeline.input,
    ...(opts.input?.length ? { paths: opts.input } : {}),
    ...(opts.format ? { format: opts.format } : {}),
  };
  const out = outDir(opts);
  const parts = await planParts(spec, cwd, out);
  let upstream = inputFingerprint(spec, parts, onBadInput);
  const plans: StepPlan[] = [];
  for (const s of pipeline.steps) {
    const stage = getStage(s.stage);
    const fingerprint = stepFingerprint(s.stage, stage?.version ?? 1, fingerprintOptions(s, stage, cwd), upstream);
    const path = join(out, s.dir);
    const runOptions = runOptionsOf(s, stage, plans.map((p) => ({ stage: p.stage, path: p.path })));
    plans.push({ ...s, fingerprint, upstreamFingerprint: upstream, path, runOptions });
    upstream = fingerprint;
  }
  return { out, spec, parts, plans };
}
