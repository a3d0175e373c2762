// The engine: plans the run, makes the output folder ready, then hands each segment of steps to the runner of its
// kind, in order, each reading what the previous one wrote. It knows step kinds, never a stage by name.
import { availableParallelism } from 'node:os';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { mkdirOrExplain, writeJsonAtomic } from '../datasets/atomicFile.js';
import { UserError } from '../datasets/errors.js';
import { peakRssBytes } from '../datasets/peakRss.js';
import { addInput, emptyInput, manifestPath, readJson, type StageManifest } from './manifest.js';
import { outDir, planSteps, type OnBadInput, type RunOptions, type RunPlan, type RunStats, type Source, type StepStats } from './plan.js';
import type { WorkerSetup } from './protocol.js';
import { planRange } from './reuse.js';
import { runnerFor, segmentsOf } from './runners/index.js';
import type { RunContext } from './runners/runner.js';
import { lockRun } from './runLock.js';
import { prepareStepFolder } from './stepFolder.js';
import { workerExecArgv } from './workerArgv.js';

export type { OnBadInput, RunOptions, RunPlan, RunStats, StepPlan, StepStats } from './plan.js';

/** Every temporary file under the output folder: only a killed run leaves them, and the lock says none is running. */
async function removeTemporaries(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.includes('.tmp-')) await rm(join(dir, e.name), { force: true, recursive: true });
    else if (e.isDirectory()) await removeTemporaries(join(dir, e.name));
  }
}

export class Engine {
  private pool?: Piscina;
  private readonly threads: number;
  private readonly onBadInput: OnBadInput;

  constructor(private readonly opts: RunOptions) {
    this.threads = opts.threads ?? availableParallelism();
    if (!Number.isInteger(this.threads) || this.threads < 1) throw new UserError(`--threads must be a positive integer, got ${opts.threads}`);
    this.onBadInput = opts.onBadInput ?? 'fail';
  }

  /** Plans parts and steps and finds what is left to run (verified outputs before it are reused). */
  async plan(): Promise<RunPlan> {
    const steps = await planSteps(this.opts, this.onBadInput);
    return { ...steps, ...(await planRange(steps.plans, this.opts.fromStage, this.opts.toStage)) };
  }

  /** Takes the output folder's lock (one run per folder); returns its release. */
  private async lock(): Promise<() => Promise<void>> {
    const out = outDir(this.opts);
    await mkdirOrExplain(out);
    return lockRun(out);
  }

  /** Makes the output folder ready for a run (the lock is held): temporaries of killed runs removed, run.json written. */
  private async begin(p: RunPlan): Promise<void> {
    const { out, spec, parts, plans } = p;
    await removeTemporaries(out);
    await writeJsonAtomic(join(out, 'run.json'), {
      pipeline: this.opts.pipeline.name,
      input: spec,
      parts: parts.map((p) => ({ part: p.index, format: p.format, bytes: p.bytes, files: p.files.map((f) => ({ source: f.source, bytes: f.bytes, range: f.range ?? null })) })),
      steps: plans.map((s) => ({ dir: s.dir, stage: s.stage, options: s.options, fingerprint: s.fingerprint })),
    });
  }

  /**
   * For a cluster submission: everything a local run does before its first step, once, so that concurrent array
   * tasks never clean or invalidate each other's files (with --from-stage, the steps to rerun are cleared here).
   */
  async prepareForCluster(): Promise<RunPlan> {
    const release = await this.lock();
    try {
      const p = await this.plan();
      await this.begin(p);
      for (const step of p.plans.slice(p.start, p.end + 1)) await prepareStepFolder(step, this.opts.fromStage !== undefined, runnerFor(step).layout);
      return p;
    } finally {
      await release();
    }
  }

  private context(force: boolean): RunContext {
    return {
      pipeline: this.opts.pipeline,
      threads: this.threads,
      quiet: Boolean(this.opts.quiet),
      onBadInput: this.onBadInput,
      force,
      pool: () => this.getPool(),
      ...(this.opts.partTask ? { partTask: this.opts.partTask } : {}),
    };
  }

  private static firstSource(p: RunPlan): Source {
    return p.start === 0 ? { kind: 'input', parts: p.parts } : { kind: 'step', step: p.plans[p.start - 1], manifest: p.reused[p.reused.length - 1] };
  }

  async run(): Promise<RunStats> {
    const t0 = Date.now();
    // Array tasks of a cluster run share the folder by design (each writes its own parts): they take no lock.
    if (this.opts.partTask) return this.runPartTask(await this.plan(), t0);
    const release = await this.lock();
    try {
      return await this.runLocked(t0);
    } finally {
      await release();
    }
  }

  private async runLocked(t0: number): Promise<RunStats> {
    const p = await this.plan();
    await this.begin(p);
    const stats: StepStats[] = [];
    const input = emptyInput();
    for (const m of p.reused) {
      stats.push({ dir: m.dir, stage: m.stage, reused: true, wallMs: 0, cpuMs: 0, ...m.totals, ...(m.reduce ? { reduce: m.reduce } : {}) });
      if (m.input) addInput(input, m.input);
    }
    const ctx = this.context(this.opts.fromStage !== undefined);
    try {
      let source = Engine.firstSource(p);
      for (const segment of segmentsOf(p.plans.slice(p.start, p.end + 1))) {
        const runner = runnerFor(segment[0]);
        if (!runner.readsInput && source.kind !== 'step') throw new UserError(`${segment[0].dir}: a corpus-wide stage needs an earlier step to read from`);
        const done = await runner.run(ctx, segment, source);
        stats.push(...done.steps);
        addInput(input, done.input);
        const last = segment[segment.length - 1];
        source = { kind: 'step', step: last, manifest: (await readJson<StageManifest>(manifestPath(last.path)))! };
      }
    } finally {
      await this.pool?.destroy();
    }
    const result: RunStats = { pipeline: this.opts.pipeline.name, out: p.out, threads: this.threads, input, steps: stats, wallMs: Date.now() - t0, peakRssBytes: peakRssBytes() };
    await writeJsonAtomic(join(p.out, 'stats.json'), result);
    return result;
  }

  /** One array task: this task's parts of the first pending segment; manifests are left to the next job. */
  private async runPartTask(p: RunPlan, t0: number): Promise<RunStats> {
    const task = this.opts.partTask!;
    const stats = (steps: StepStats[], input = emptyInput()): RunStats => ({ pipeline: this.opts.pipeline.name, out: p.out, threads: this.threads, input, steps, wallMs: Date.now() - t0, peakRssBytes: peakRssBytes() });
    const segment = segmentsOf(p.plans.slice(p.start, p.end + 1))[0];
    if (!segment) return stats([]);
    if (!runnerFor(segment[0]).partTasks) throw new UserError(`${segment[0].dir}: a corpus-wide step runs as one job, not as array task ${task.index} of ${task.count}`);
    try {
      const done = await runnerFor(segment[0]).run(this.context(false), segment, Engine.firstSource(p));
      return stats(done.steps, done.input);
    } finally {
      await this.pool?.destroy();
    }
  }

  getPool(): Piscina {
    const setup: WorkerSetup = { stageModules: this.opts.pipeline.stageModules };
    this.pool ??= new Piscina({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: 60_000,
      workerData: setup,
      execArgv: workerExecArgv(),
    });
    return this.pool;
  }
}
