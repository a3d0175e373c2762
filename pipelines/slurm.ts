// The Slurm executor. The same engine runs in every job; Slurm only decides where and when:
//   per-document segment -> an `sbatch --array` job, task i running the engine on every N-th part (worker threads
//                           inside the node), then one small job that verifies the parts and writes the manifests;
//   corpus-wide step     -> one job (dedup clustering, BPE training, encoding), after the previous one (afterok).
// Every job is `sluice run` with --to-stage: a job reuses what earlier jobs verified, so the outputs are those of
// a local run, and resubmitting reruns only parts whose files or manifests are missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeJsonAtomic } from '../datasets/atomicFile.js';
import { UserError } from '../datasets/errors.js';
import { Engine } from './engine.js';
import type { RunOptions, StepPlan } from './plan.js';
import { runnerFor, segmentsOf } from './runners/index.js';
import { manifestPath, readJson, type PartRecord, type StageManifest } from './manifest.js';

export interface SlurmOptions {
  /** Array tasks per per-document segment (capped at the number of parts). */
  tasks: number;
  partition?: string;
  time?: string;
  cpusPerTask: number;
  mem?: string;
  /** How the CLI is started inside a job: the node binary and the CLI script. */
  cli: string[];
  /** The run's arguments other than --to-stage, --from-stage and --executor flags (pipeline, --input, ...). */
  runArgs: string[];
}

export interface SlurmJob {
  id: string;
  kind: 'array' | 'finish' | 'step';
  /** Step folders this job completes. */
  steps: string[];
  tasks: number;
  /** Log file pattern (%A array job id, %a task, %j job id as Slurm writes them). */
  log: string;
}

function sbatch(args: string[], script: string, cwd: string): string {
  const r = spawnSync('sbatch', ['--parsable', ...args], { input: script, encoding: 'utf8', cwd });
  if (r.error) throw new UserError(`sbatch could not be run (${r.error.message}): is Slurm installed on this machine? (make slurm-up starts a one-node test cluster)`);
  if (r.status !== 0) throw new UserError(`sbatch failed: ${r.stderr.trim()}`);
  return r.stdout.trim().split(';')[0];
}

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** Submits the chain of jobs for what is left to run; returns the jobs in order. */
export async function submitSlurm(opts: RunOptions, s: SlurmOptions): Promise<{ out: string; jobs: SlurmJob[] }> {
  if (!Number.isInteger(s.tasks) || s.tasks < 1) throw new UserError(`--tasks must be a positive integer, got ${s.tasks}`);
  const engine = new Engine(opts);
  const plan = await engine.prepareForCluster();
  const logs = join(plan.out, 'slurm', 'logs');
  await mkdir(logs, { recursive: true });
  const base = [...s.cli, 'run', ...s.runArgs, '--out', plan.out, '--threads', String(s.cpusPerTask), '--quiet'].map(quote).join(' ');
  const common = [`--chdir=${opts.cwd}`, `--cpus-per-task=${s.cpusPerTask}`, '--kill-on-invalid-dep=yes'];
  if (s.partition) common.push(`--partition=${s.partition}`);
  if (s.time) common.push(`--time=${s.time}`);
  if (s.mem) common.push(`--mem=${s.mem}`);
  const jobs: SlurmJob[] = [];
  let after: string | null = null;
  const submit = (kind: SlurmJob['kind'], steps: StepPlan[], tasks: number, command: string): void => {
    const last = steps[steps.length - 1].dir;
    const log = join(logs, kind === 'array' ? `${last}-%A_%a.out` : `${last}-${kind}-%j.out`);
    const args = [...common, `--job-name=sluice-${opts.pipeline.name}-${last}`, `--output=${log}`];
    if (kind === 'array') args.push(`--array=0-${tasks - 1}`);
    if (after) args.push(`--dependency=afterok:${after}`);
    const id = sbatch(args, `#!/bin/sh\nset -e\n${command}\n`, opts.cwd);
    jobs.push({ id, kind, steps: steps.map((x) => x.dir), tasks, log });
    after = id;
  };
  for (const segment of segmentsOf(plan.plans.slice(plan.start, plan.end + 1))) {
    const last = segment[segment.length - 1].dir;
    if (runnerFor(segment[0]).partTasks) {
      const tasks = Math.max(1, Math.min(s.tasks, plan.parts.length));
      submit('array', segment, tasks, `exec ${base} --to-stage ${last} --part-task "$SLURM_ARRAY_TASK_ID/${tasks}"`);
      submit('finish', segment, 1, `exec ${base} --to-stage ${last}`);
    } else {
      submit('step', segment, 1, `exec ${base} --to-stage ${last}`);
    }
  }
  await writeJsonAtomic(join(plan.out, 'slurm', 'jobs.json'), { submitted: new Date().toISOString(), jobs });
  return { out: plan.out, jobs };
}

/** Job ids (array tasks as `<id>_<task>`) still in the queue, with their state. */
function queued(ids: string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const r = spawnSync('squeue', ['-h', '-r', '-j', ids.join(','), '-o', '%i %T'], { encoding: 'utf8' });
  for (const line of (r.stdout ?? '').split('\n')) {
    const [id, state] = line.trim().split(/\s+/);
    if (id) out.set(id, state);
  }
  return out;
}

interface StepStatus {
  dir: string;
  stage: string;
  /** partial: some parts are complete and no job of ours is queued (e.g. a local run that was stopped). */
  state: 'done' | 'running' | 'pending' | 'failed' | 'partial' | 'not started';
  partsDone: number;
  parts: number;
  /** For a failed step: the log and its first error line. */
  failure?: { log: string; line: string };
}

/** The first line of a log that reports an error (sluice's own, else anything that looks like one). */
function firstError(log: string): string | null {
  const lines = readFileSync(log, 'utf8').split('\n');
  return lines.find((l) => l.startsWith('sluice: ')) ?? lines.find((l) => /error|killed|cancelled|oom/i.test(l)) ?? null;
}

function logsOf(job: SlurmJob): string[] {
  const dir = job.log.slice(0, job.log.lastIndexOf('/'));
  const pattern = job.log.slice(job.log.lastIndexOf('/') + 1).replace('%A', job.id).replace('%j', job.id);
  const [prefix] = pattern.split('%a');
  return (existsSync(dir) ? readdirSync(dir) : []).filter((n) => n.startsWith(prefix)).sort().map((n) => join(dir, n));
}

/** What every step of a run folder has done, with Slurm's view of the jobs when it was submitted with --executor slurm. */
export async function runStatus(outDir: string): Promise<StepStatus[]> {
  const out = resolve(outDir);
  const run = await readJson<{ parts: unknown[]; steps: { dir: string; stage: string; fingerprint: string }[] }>(join(out, 'run.json'));
  if (!run) throw new UserError(`${out}: no run.json; point at the output folder of sluice run (e.g. out/corpus)`);
  const jobs = (await readJson<{ jobs: SlurmJob[] }>(join(out, 'slurm', 'jobs.json')))?.jobs ?? [];
  const q = queued(jobs.map((j) => j.id));
  const states = (j: SlurmJob) => [...q].filter(([id]) => id === j.id || id.startsWith(`${j.id}_`)).map(([, st]) => st);
  const result: StepStatus[] = [];
  for (const step of run.steps) {
    const m = await readJson<StageManifest>(manifestPath(join(out, step.dir)));
    const names = existsSync(join(out, step.dir, 'parts')) ? readdirSync(join(out, step.dir, 'parts')).filter((n) => /^part-\d+\.json$/.test(n)) : [];
    let partsDone = 0;
    for (const n of names) if ((await readJson<PartRecord>(join(out, step.dir, 'parts', n)))?.fingerprint === step.fingerprint) partsDone++;
    const st: StepStatus = { dir: step.dir, stage: step.stage, state: 'not started', partsDone, parts: run.parts.length };
    if (m && m.fingerprint === step.fingerprint) st.state = 'done';
    else {
      const mine = jobs.filter((j) => j.steps.includes(step.dir));
      const running = mine.some((j) => states(j).includes('RUNNING'));
      const pending = mine.some((j) => states(j).length > 0);
      if (running) st.state = 'running';
      else if (pending) st.state = 'pending';
      else if (mine.length > 0) {
        st.state = 'failed';
        for (const j of mine) {
          for (const log of logsOf(j)) {
            const line = firstError(log);
            if (line) {
              st.failure = { log, line };
              break;
            }
          }
          if (st.failure) break;
        }
        st.failure ??= { log: logsOf(mine[0])[0] ?? mine[0].log, line: 'no error line in the log (cancelled before it started? see squeue / scontrol show job)' };
      } else if (partsDone > 0) st.state = 'partial';
    }
    result.push(st);
  }
  return result;
}

export function formatStatus(steps: StepStatus[]): string {
  const lines = steps.map((s) => {
    const parts = s.state === 'done' ? '' : ` (${s.partsDone}/${s.parts} parts)`;
    const fail = s.failure ? `\n    log: ${s.failure.log}\n    ${s.failure.line}` : '';
    return `${s.dir.padEnd(22)} ${s.state}${parts}${fail}`;
  });
  return lines.join('\n');
}

/** Waits until no job of the chain is queued, then reports; throws with the failed step's log and first error. */
export async function waitForJobs(out: string, jobs: SlurmJob[], quiet: boolean): Promise<StepStatus[]> {
  let last = '';
  for (;;) {
    const q = queued(jobs.map((j) => j.id));
    if (q.size === 0) break;
    if (!quiet) {
      const line = `slurm: ${q.size} task(s) queued or running (${[...new Set(q.values())].join(', ')})`;
      if (line !== last) process.stderr.write(`${line}\n`);
      last = line;
    }
    await sleep(1000);
  }
  const status = await runStatus(out);
  const failed = status.find((s) => s.state === 'failed' || (s.state !== 'done' && jobs.some((j) => j.steps.includes(s.dir))));
  if (failed) {
    throw new UserError(
      `${failed.dir} failed on Slurm${failed.failure ? `: ${failed.failure.line}\n  log: ${failed.failure.log}` : ''}\n` +
        `Fix the cause and run the same command again: complete parts are kept, only failed or missing ones rerun (sluice status ${out} shows where each step stands).`,
    );
  }
  return status;
}
