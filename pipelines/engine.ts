// The engine: plans parts, decides what to reuse, streams batches through fused steps on a worker pool,
// writes each step's part files atomically, and records manifests so any run can resume or restart mid-way.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { writeJsonAtomic } from '../datasets/atomicFile.js';
import type { Doc, RejectedDoc } from '../datasets/doc.js';
import { readDocTable, DocTableWriter } from '../datasets/docTable.js';
import { SKIP_HINT, UserError } from '../datasets/errors.js';
import { planParts, type InputSpec, type Part } from '../datasets/inputs.js';
import { readPart } from '../datasets/readPart.js';
import { peakRssBytes } from '../datasets/peakRss.js';
import { inputFingerprint, stepFingerprint } from './fingerprint.js';
import {
  MANIFEST_FORMAT, MANIFEST_VERSION, checkPart, manifestPath, partName, partRecordPath, readJson, relEntry, stripCpu,
  type InputCounters, type PartEntry, type PartRecord, type StageManifest,
} from './manifest.js';
import { Progress } from './progress.js';
import { emptyCounters, mergeCounters, type BatchResult, type BatchTask, type StepCounters, type StepSpec } from './protocol.js';
import { planRange } from './reuse.js';
import { getGlobalStage, getSinkStage, getStage, getTrainStage } from '../stages/index.js';
import { runEncodeStep } from './encodeStep.js';
import { runTrainStep } from './trainStep.js';
import { runGlobalStep, type GlobalContext } from './globalStep.js';
import type { ResolvedPipeline, ResolvedStep } from './validate.js';

export type OnBadInput = 'fail' | 'skip';

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
  partTask?: { index: number; count: number };
}

/** What a run will do: the output folder, every step's plan, and the range [start, end] still to run. */
export interface RunPlan {
  out: string;
  spec: InputSpec;
  parts: Part[];
  plans: StepPlan[];
  start: number;
  end: number;
  reused: StageManifest[];
}

export interface StepStats extends Omit<StepCounters, 'cpuMs'> {
  /** Global steps: what the reduce found. */
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

export interface StepPlan extends ResolvedStep {
  fingerprint: string;
  upstreamFingerprint: string;
  path: string;
}

function emptyInput(): InputCounters {
  return { docs: 0, bytes: 0, bad: {}, skipped: {} };
}

function addInput(into: InputCounters, from: InputCounters): void {
  into.docs += from.docs;
  into.bytes += from.bytes;
  for (const [k, v] of Object.entries(from.bad)) into.bad[k] = (into.bad[k] ?? 0) + v;
  for (const [k, v] of Object.entries(from.skipped)) into.skipped[k] = (into.skipped[k] ?? 0) + v;
}

/** `file:line` for line locations, `file (record 3 at byte 4096)` otherwise. */
function where(source: string, location: string): string {
  const line = /^line (\d+)$/.exec(location);
  return line ? `${source}:${line[1]}` : `${source} (${location})`;
}

/** Where a segment's documents come from: the raw input, or the parts of an upstream step. */
export type Source = { kind: 'input'; parts: Part[] } | { kind: 'step'; step: StepPlan; manifest: StageManifest };
/** The source of every corpus-wide step: an upstream step's parts. */
export type StepSource = Extract<Source, { kind: 'step' }>;

/** Options as fingerprinted: a tokenizer given as a file path counts by its content, not its name. */
function fingerprintOptions(s: ResolvedStep, cwd: string): Record<string, unknown> {
  const t = s.options.tokenizer;
  if (typeof t !== 'string' || t === 'gpt2' || t === 'bpe-train') return s.options;
  try {
    return { ...s.options, tokenizerSha256: createHash('sha256').update(readFileSync(resolve(cwd, t))).digest('hex') };
  } catch {
    throw new UserError(`${s.dir}: tokenizer ${t}: no such file; pass a tokenizer.json path, "gpt2" or "bpe-train"`);
  }
}

export function isDocStep(s: StepPlan): boolean {
  return getStage(s.stage)?.kind === 'document';
}

/** Consecutive document steps run fused in one segment; each corpus-wide step is a segment of its own. */
export function segmentsOf(steps: StepPlan[]): StepPlan[][] {
  const out: StepPlan[][] = [];
  for (const s of steps) {
    const last = out[out.length - 1];
    if (!isDocStep(s) || !last || !isDocStep(last[0])) out.push([s]);
    else last.push(s);
  }
  return out;
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
    const { pipeline, cwd } = this.opts;
    const spec: InputSpec = {
      ...pipeline.input,
      ...(this.opts.input?.length ? { paths: this.opts.input } : {}),
      ...(this.opts.format ? { format: this.opts.format } : {}),
    };
    const out = resolve(cwd, this.opts.out ?? pipeline.output ?? join('out', pipeline.name));
    const parts = await planParts(spec, cwd);
    let upstream = inputFingerprint(spec, parts, this.onBadInput);
    const plans: StepPlan[] = pipeline.steps.map((s) => {
      const fingerprint = stepFingerprint(s.stage, getStage(s.stage)?.version ?? 1, fingerprintOptions(s, cwd), upstream);
      const plan = { ...s, fingerprint, upstreamFingerprint: upstream, path: join(out, s.dir) };
      upstream = fingerprint;
      return plan;
    });
    const { start, end, reused } = await planRange(plans, this.opts.fromStage, this.opts.toStage);
    return { out, spec, parts, plans, start, end, reused };
  }

  /** Makes the output folder ready for a run: stale temporaries removed, run.json written. */
  private async begin(p: RunPlan): Promise<void> {
    const { out, spec, parts, plans } = p;
    await mkdir(out, { recursive: true });
    for (const name of await readdir(out)) if (name.includes('.tmp-')) await rm(join(out, name), { force: true });
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
    const p = await this.plan();
    await this.begin(p);
    for (const step of p.plans.slice(p.start, p.end + 1)) await this.prepareDir(step, this.opts.fromStage !== undefined);
    return p;
  }

  async run(): Promise<RunStats> {
    const t0 = Date.now();
    const { pipeline } = this.opts;
    const p = await this.plan();
    const { out, parts, plans, start, end, reused } = p;
    if (this.opts.partTask) return this.runPartTask(p, this.opts.partTask, t0);
    await this.begin(p);

    const stats: StepStats[] = [];
    const input = emptyInput();
    for (const m of reused) {
      stats.push({ dir: m.dir, stage: m.stage, reused: true, wallMs: 0, cpuMs: 0, ...m.totals, ...(m.reduce ? { reduce: m.reduce } : {}) });
      if (m.input) addInput(input, m.input);
    }
    try {
      let source: Source = start === 0 ? { kind: 'input', parts } : { kind: 'step', step: plans[start - 1], manifest: reused[reused.length - 1] };
      for (const segment of segmentsOf(plans.slice(start, end + 1))) {
        const force = this.opts.fromStage !== undefined;
        const ctx: GlobalContext = { pipeline: pipeline.name, threads: this.threads, quiet: Boolean(this.opts.quiet), pool: () => this.getPool(), prepareDir: (st, f) => this.prepareDir(st, f) };
        if (!isDocStep(segment[0]) && source.kind !== 'step') throw new UserError(`${segment[0].dir}: a corpus-wide stage needs an earlier step to read from`);
        if (getGlobalStage(segment[0].stage) && source.kind === 'step') {
          stats.push(await runGlobalStep(ctx, segment[0], source, force));
        } else if (getTrainStage(segment[0].stage) && source.kind === 'step') {
          stats.push(await runTrainStep(ctx, segment[0], source, force));
        } else if (getSinkStage(segment[0].stage) && source.kind === 'step') {
          stats.push(await runEncodeStep(ctx, segment[0], source, force, plans.slice(0, segment[0].index - 1)));
        } else {
          const seg = await this.runSegment(segment, source, force);
          stats.push(...seg.steps);
          addInput(input, seg.input);
        }
        const last = segment[segment.length - 1];
        source = { kind: 'step', step: last, manifest: (await readJson<StageManifest>(manifestPath(last.path)))! };
      }
    } finally {
      await this.pool?.destroy();
    }
    const result: RunStats = {
      pipeline: pipeline.name,
      out,
      threads: this.threads,
      input,
      steps: stats,
      wallMs: Date.now() - t0,
      peakRssBytes: peakRssBytes(),
    };
    await writeJsonAtomic(join(out, 'stats.json'), result);
    return result;
  }

  getPool(): Piscina {
    this.pool ??= new Piscina({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: 60_000,
    });
    return this.pool;
  }

  /** One array task: this task's parts of the first pending segment (doc steps only); manifests are left to the next job. */
  private async runPartTask(p: RunPlan, task: { index: number; count: number }, t0: number): Promise<RunStats> {
    const segment = segmentsOf(p.plans.slice(p.start, p.end + 1))[0];
    if (!segment) return { pipeline: this.opts.pipeline.name, out: p.out, threads: this.threads, input: emptyInput(), steps: [], wallMs: 0, peakRssBytes: peakRssBytes() };
    if (!isDocStep(segment[0])) throw new UserError(`${segment[0].dir}: a corpus-wide step runs as one job, not as array task ${task.index} of ${task.count}`);
    const source: Source = p.start === 0 ? { kind: 'input', parts: p.parts } : { kind: 'step', step: p.plans[p.start - 1], manifest: p.reused[p.reused.length - 1] };
    try {
      const seg = await this.runSegment(segment, source, false, task);
      return { pipeline: this.opts.pipeline.name, out: p.out, threads: this.threads, input: seg.input, steps: seg.steps, wallMs: Date.now() - t0, peakRssBytes: peakRssBytes() };
    } finally {
      await this.pool?.destroy();
    }
  }

  /** Prepares a step folder: a fresh one when forced or stale, else keeps parts made with the same fingerprint. */
  async prepareDir(step: StepPlan, force: boolean): Promise<Map<number, PartRecord>> {
    const old = await readJson<StageManifest>(manifestPath(step.path));
    let stale = force || (old !== undefined && old.fingerprint !== step.fingerprint);
    const records: PartRecord[] = [];
    if (!stale) {
      const names = await readdir(join(step.path, 'parts')).catch(() => [] as string[]);
      for (const name of names.filter((n) => /^part-\d+\.json$/.test(n)).sort()) {
        const rec = await readJson<PartRecord>(join(step.path, 'parts', name));
        if (!rec || rec.fingerprint !== step.fingerprint) stale = true;
        else records.push(rec);
      }
      // A global step's map and reduce records carry the fingerprint too.
      for (const sub of ['keys', 'counts']) {
        const names = await readdir(join(step.path, sub)).catch(() => [] as string[]);
        for (const name of names.filter((n) => n.endsWith('.json'))) {
          if ((await readJson<{ fingerprint: string }>(join(step.path, sub, name)))?.fingerprint !== step.fingerprint) stale = true;
        }
      }
      const cluster = await readJson<{ fingerprint: string }>(join(step.path, 'clusters.json'));
      if (cluster && cluster.fingerprint !== step.fingerprint) stale = true;
    }
    if (stale) await rm(step.path, { recursive: true, force: true });
    await mkdir(join(step.path, 'parts'), { recursive: true });
    await mkdir(join(step.path, 'rejected'), { recursive: true });
    await rm(manifestPath(step.path), { force: true });
    for (const sub of ['', 'rejected', 'parts', 'keys', 'counts']) {
      for (const name of await readdir(join(step.path, sub)).catch(() => [] as string[])) {
        if (name.includes('.tmp-')) await rm(join(step.path, sub, name), { force: true });
      }
    }
    return this.completeParts(step);
  }

  /** The parts of a step whose files are complete and were made with its fingerprint (reads only; safe beside other tasks). */
  private async completeParts(step: StepPlan): Promise<Map<number, PartRecord>> {
    const keep = new Map<number, PartRecord>();
    const names = await readdir(join(step.path, 'parts')).catch(() => [] as string[]);
    for (const name of names.filter((n) => /^part-\d+\.json$/.test(n)).sort()) {
      const rec = await readJson<PartRecord>(join(step.path, 'parts', name));
      if (rec && rec.fingerprint === step.fingerprint && (await checkPart(step.path, rec)) === null) keep.set(rec.part, rec);
    }
    return keep;
  }

  private async runSegment(steps: StepPlan[], source: Source, force: boolean, task?: { index: number; count: number }): Promise<{ steps: StepStats[]; input: InputCounters }> {
    const t0 = Date.now();
    const kept = await Promise.all(steps.map((s) => (task ? this.completeParts(s) : this.prepareDir(s, force))));
    const allIds = source.kind === 'input' ? source.parts.map((p) => p.index) : source.manifest.parts.map((p) => p.part);
    // An array task takes every count-th part, starting at its index.
    const partIds = task ? allIds.filter((_id, i) => i % task.count === task.index) : allIds;
    const totalBytes = source.kind === 'input' ? source.parts.reduce((n, p) => n + p.bytes, 0) : source.manifest.totals.bytesOut;
    const label = steps.length === 1 ? steps[0].dir : `${steps[0].dir}..${steps[steps.length - 1].dir}`;
    const progress = new Progress(label, totalBytes, partIds.length, process.stderr, this.opts.quiet);
    const records: PartRecord[][] = steps.map(() => []);
    const cpu = steps.map(() => 0);
    try {
      for (const id of partIds) {
        const reusable = steps.every((_s, i) => kept[i].has(id));
        const partBytes = source.kind === 'input' ? source.parts[id].bytes : (source.manifest.parts.find((p) => p.part === id)?.output.bytes ?? 0);
        if (reusable) {
          steps.forEach((_s, i) => records[i].push(kept[i].get(id)!));
        } else {
          const made = await this.runPart(steps, source, id, progress, cpu);
          made.forEach((rec, i) => records[i].push(rec));
        }
        progress.partDone(partBytes);
      }
    } finally {
      progress.finish();
    }
    const input = emptyInput();
    const stats: StepStats[] = [];
    if (task) return { steps: stats, input }; // the segment's manifests are written once every task is done
    for (const [i, step] of steps.entries()) {
      const totals = emptyCounters();
      const stepInput = emptyInput();
      const parts: PartEntry[] = records[i].map(({ fingerprint: _f, ...entry }) => {
        mergeCounters(totals, { ...entry.counters, cpuMs: 0 });
        if (entry.input) addInput(stepInput, entry.input);
        return entry;
      });
      const manifest: StageManifest = {
        format: MANIFEST_FORMAT,
        version: MANIFEST_VERSION,
        pipeline: this.opts.pipeline.name,
        step: step.index,
        stage: step.stage,
        dir: step.dir,
        options: step.options,
        fingerprint: step.fingerprint,
        upstream: { dir: i === 0 && source.kind === 'input' ? 'input' : i === 0 && source.kind === 'step' ? source.step.dir : steps[i - 1].dir, fingerprint: step.upstreamFingerprint },
        parts,
        totals: stripCpu(totals),
        ...(i === 0 && source.kind === 'input' ? { input: stepInput } : {}),
      };
      await writeJsonAtomic(manifestPath(step.path), manifest);
      if (i === 0) addInput(input, stepInput);
      stats.push({ dir: step.dir, stage: step.stage, reused: false, wallMs: Date.now() - t0, ...stripCpu(totals), cpuMs: cpu[i] });
    }
    return { steps: stats, input };
  }

  /** Reads one part, streams its batches through the pool in order, and writes every step's files for it. */
  private async runPart(steps: StepPlan[], source: Source, id: number, progress: Progress, cpu: number[]): Promise<PartRecord[]> {
    const pipeline = this.opts.pipeline;
    const name = partName(id);
    const specs: StepSpec[] = steps.map((s) => ({ stage: s.stage, options: s.options, key: s.fingerprint }));
    const keptWriters = steps.map((s) => new DocTableWriter(join(s.path, `${name}.parquet`), false));
    const rejWriters = steps.map((s) => new DocTableWriter(join(s.path, 'rejected', `${name}.parquet`), true));
    const counters = steps.map(() => emptyCounters());
    const input = emptyInput();
    const maxInFlight = this.threads * 2;
    const queue: { result: Promise<BatchResult>; readRejects: RejectedDoc[] }[] = [];
    const pool = this.getPool();
    // Results are written strictly in submission order: output does not depend on thread timing.
    const drainOne = async (): Promise<void> => {
      const head = queue.shift()!;
      const result = await head.result;
      for (const r of head.readRejects) await rejWriters[0].write(r);
      for (const [i, step] of result.steps.entries()) {
        for (const doc of step.kept) await keptWriters[i].write(doc);
        for (const r of step.rejected) await rejWriters[i].write({ ...r.doc, stage: steps[i].stage, reason: r.reason });
        mergeCounters(counters[i], step.counters);
        cpu[i] += step.counters.cpuMs;
      }
      progress.add(result.steps[0]?.counters.docsIn ?? 0, result.steps[0]?.counters.bytesIn ?? 0);
    };
    let docs: Doc[] = [];
    let bytes = 0;
    let readRejects: RejectedDoc[] = [];
    const flush = async (): Promise<void> => {
      if (docs.length === 0 && readRejects.length === 0) return;
      const task: BatchTask = { kind: 'steps', steps: specs, docs };
      queue.push({ result: docs.length ? pool.run(task) : Promise.resolve(emptyResult(steps.length)), readRejects });
      docs = [];
      bytes = 0;
      readRejects = [];
      while (queue.length >= maxInFlight) await drainOne();
    };
    try {
      for await (const doc of this.documents(source, id, input, (r) => readRejects.push(r))) {
        docs.push(doc);
        bytes += doc.text.length;
        if (docs.length >= pipeline.batchDocs || bytes >= pipeline.batchBytes) await flush();
      }
      await flush();
      while (queue.length) await drainOne();
    } catch (e) {
      await Promise.allSettled(queue.map((q) => q.result));
      throw e;
    }
    const written = await Promise.all(
      steps.map(async (s, i) => ({ output: await keptWriters[i].finish(true), rejected: await rejWriters[i].finish(false) })),
    );
    const from = source.kind === 'input' ? source.parts[id].files.map((f) => f.source) : source.manifest.parts.find((p) => p.part === id)!.from;
    const recs: PartRecord[] = steps.map((s, i) => ({
      part: id,
      fingerprint: s.fingerprint,
      from,
      output: relEntry(s.path, written[i].output!),
      rejected: written[i].rejected ? relEntry(s.path, written[i].rejected!) : null,
      counters: stripCpu(counters[i]),
      ...(i === 0 && source.kind === 'input' ? { input } : {}),
    }));
    // Part records are written only after every file of the part is in place: a record means "complete".
    for (const [i, s] of steps.entries()) await writeJsonAtomic(partRecordPath(s.path, id), recs[i]);
    return recs;
  }

  /** The documents of one part; bad input records either stop the run or become read rejects. */
  private async *documents(source: Source, id: number, input: InputCounters, reject: (r: RejectedDoc) => void): AsyncGenerator<Doc> {
    if (source.kind === 'step') {
      const entry = source.manifest.parts.find((p) => p.part === id)!;
      yield* readDocTable(join(source.step.path, entry.output.file));
      return;
    }
    const { input: spec } = this.opts.pipeline;
    const readerOpts = { textField: spec.textField, idField: spec.idField, maxDocBytes: spec.maxDocBytes };
    for await (const item of readPart(source.parts[id], readerOpts)) {
      if (item.kind === 'doc') {
        input.docs += 1;
        input.bytes += Buffer.byteLength(item.doc.text);
        yield item.doc;
      } else if (item.kind === 'skip') {
        input.skipped[item.reason] = (input.skipped[item.reason] ?? 0) + 1;
      } else {
        const bad = item.bad;
        const at = where(bad.source, bad.location);
        if (this.onBadInput === 'fail') throw new UserError(`${at}: ${bad.message} [${bad.reason}]\n${SKIP_HINT}`);
        input.bad[bad.reason] = (input.bad[bad.reason] ?? 0) + 1;
        reject({
          id: `${bad.source}@${bad.location.replace(/ /g, '-')}`,
          source: bad.source,
          text: '',
          meta: { location: bad.location, message: bad.message },
          stage: 'read',
          reason: bad.reason,
          ...(bad.raw ? { raw: bad.raw } : {}),
        });
      }
    }
  }
}

function emptyResult(n: number): BatchResult {
  return { steps: Array.from({ length: n }, () => ({ kept: [], rejected: [], counters: emptyCounters() })) };
}
