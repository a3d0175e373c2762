// Runs a segment of fused document steps part by part: read the part (raw input or an upstream step's part file),
// stream its batches through the pool, write every step's kept and rejected documents in order, then the part's
// records; when every part is done, each step's manifest.
import { join } from 'node:path';
import { emptyCounters, mergeCounters, stripCpu, type StepCounters } from '../../datasets/counters.js';
import { utf8Bytes, type Doc, type RejectedDoc } from '../../datasets/doc.js';
import { DocTableWriter, readDocTable } from '../../datasets/docTable.js';
import { SKIP_HINT, UserError } from '../../datasets/errors.js';
import { readPart } from '../../datasets/readPart.js';
import { writeJsonAtomic } from '../../datasets/atomicFile.js';
import { HUGE_TEXT_BYTES, collectGarbage } from '../../datasets/memory.js';
import { batchesOf, inOrder, type Batch } from '../batches.js';
import { addInput, emptyInput, partName, partRecordPath, relEntry, type InputCounters, type PartRecord } from '../manifest.js';
import type { Source, StepPlan, StepStats } from '../plan.js';
import { Progress } from '../progress.js';
import type { DocumentsResult, DocumentsTask, StepSpec } from '../protocol.js';
import { restoreTexts, textsById } from '../tasks.js';
import { completeParts, partEntries, prepareStepFolder, statsRow, writeStepManifest } from '../stepFolder.js';
import { inFlightOf, type RunContext, type SegmentResult, type StepRunner } from './runner.js';

/** `file:line` for line locations, the file alone for a whole-file problem, `file (record 3 at byte 4096)` otherwise. */
function where(source: string, location: string): string {
  const line = /^line (\d+)$/.exec(location);
  return line ? `${source}:${line[1]}` : location === 'file' ? source : `${source} (${location})`;
}

/** The documents of one part; bad input records either stop the run or become read rejects. */
async function* documents(ctx: RunContext, source: Source, id: number, input: InputCounters, reject: (r: RejectedDoc) => void): AsyncGenerator<Doc> {
  if (source.kind === 'step') {
    const entry = source.manifest.parts.find((p) => p.part === id)!;
    yield* readDocTable(join(source.step.path, entry.output.file));
    return;
  }
  const spec = ctx.pipeline.input;
  const readerOpts = { textField: spec.textField, idField: spec.idField, maxDocBytes: spec.maxDocBytes };
  for await (const item of readPart(source.parts[id], readerOpts)) {
    if (item.kind === 'doc') {
      input.docs += 1;
      input.bytes += utf8Bytes(item.doc.text);
      yield item.doc;
    } else if (item.kind === 'skip') {
      input.skipped[item.reason] = (input.skipped[item.reason] ?? 0) + 1;
    } else {
      const bad = item.bad;
      if (ctx.onBadInput === 'fail') throw new UserError(`${where(bad.source, bad.location)}: ${bad.message} [${bad.reason}]\n${SKIP_HINT}`);
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

function emptyResult(n: number): DocumentsResult {
  return { steps: Array.from({ length: n }, () => ({ kept: [], rejected: [], counters: emptyCounters() })) };
}

/** Reads one part, streams its batches through the pool in order, and writes every step's files for it. */
async function runPart(ctx: RunContext, steps: StepPlan[], source: Source, id: number, progress: Progress, cpu: number[]): Promise<PartRecord[]> {
  const name = partName(id);
  const specs: StepSpec[] = steps.map((s) => ({ stage: s.stage, options: s.runOptions, key: s.fingerprint }));
  const keptWriters = steps.map((s) => new DocTableWriter(join(s.path, `${name}.parquet`), false));
  const rejWriters = steps.map((s) => new DocTableWriter(join(s.path, 'rejected', `${name}.parquet`), true));
  const counters: StepCounters[] = steps.map(() => emptyCounters());
  const input = emptyInput();
  const pool = ctx.pool();
  // Read rejects ride with the batch they were met in, so rejected/ keeps input order.
  let readRejects: RejectedDoc[] = [];
  type Sent = Batch & { readRejects: RejectedDoc[] };
  async function* withRejects(): AsyncGenerator<Sent> {
    for await (const b of batchesOf(documents(ctx, source, id, input, (r) => readRejects.push(r)), ctx.pipeline)) {
      yield { ...b, readRejects: readRejects.splice(0) };
    }
    if (readRejects.length) yield { docs: [], bytes: 0, readRejects: readRejects.splice(0) };
  }
  await inOrder(
    withRejects(),
    inFlightOf(ctx),
    (b) => (b.docs.length ? (pool.run({ kind: 'documents', steps: specs, docs: b.docs } satisfies DocumentsTask) as Promise<DocumentsResult>) : Promise.resolve(emptyResult(steps.length))),
    async (b, result) => {
      for (const r of b.readRejects) await rejWriters[0].write(r);
      let before = textsById(b.docs);
      b.docs.length = 0; // from here on each step's texts are referenced only as long as they are needed
      for (const [i, step] of result.steps.entries()) {
        restoreTexts(step, before);
        before = i + 1 < result.steps.length ? textsById(step.kept) : new Map();
        for (const doc of step.kept) await keptWriters[i].write(doc);
        for (const r of step.rejected) await rejWriters[i].write({ ...r.doc, stage: steps[i].stage, reason: r.reason });
        result.steps[i] = { ...step, kept: [], rejected: [] };
        mergeCounters(counters[i], step.counters);
        cpu[i] += step.counters.cpuMs;
        // Encoding a huge text for Parquet leaves its copies (UTF-8 bytes, compressed page) dead: collect per step.
        if (b.bytes >= HUGE_TEXT_BYTES) collectGarbage();
      }
      progress.add(result.steps[0]?.counters.docsIn ?? 0, result.steps[0]?.counters.bytesIn ?? 0);
    },
  );
  const written = await Promise.all(steps.map(async (_s, i) => ({ output: await keptWriters[i].finish(true), rejected: await rejWriters[i].finish(false) })));
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

async function runSegment(ctx: RunContext, steps: StepPlan[], source: Source): Promise<SegmentResult> {
  const t0 = Date.now();
  const task = ctx.partTask;
  const kept = await Promise.all(steps.map((s) => (task ? completeParts(s) : prepareStepFolder(s, ctx.force, documentsRunner.layout))));
  const allIds = source.kind === 'input' ? source.parts.map((p) => p.index) : source.manifest.parts.map((p) => p.part);
  // An array task takes every count-th part, starting at its index.
  const partIds = task ? allIds.filter((_id, i) => i % task.count === task.index) : allIds;
  const totalBytes = source.kind === 'input' ? source.parts.reduce((n, p) => n + p.bytes, 0) : source.manifest.totals.bytesOut;
  const label = steps.length === 1 ? steps[0].dir : `${steps[0].dir}..${steps[steps.length - 1].dir}`;
  const progress = new Progress(label, totalBytes, partIds.length, process.stderr, ctx.quiet);
  const records: PartRecord[][] = steps.map(() => []);
  const cpu = steps.map(() => 0);
  try {
    for (const id of partIds) {
      const partBytes = source.kind === 'input' ? source.parts[id].bytes : (source.manifest.parts.find((p) => p.part === id)?.output.bytes ?? 0);
      if (steps.every((_s, i) => kept[i].has(id))) steps.forEach((_s, i) => records[i].push(kept[i].get(id)!));
      else (await runPart(ctx, steps, source, id, progress, cpu)).forEach((rec, i) => records[i].push(rec));
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
    for (const r of records[i]) {
      mergeCounters(totals, { ...r.counters, cpuMs: 0 });
      if (r.input) addInput(stepInput, r.input);
    }
    const first = i === 0 && source.kind === 'input';
    const upstreamDir = i > 0 ? steps[i - 1].dir : source.kind === 'step' ? source.step.dir : 'input';
    await writeStepManifest(ctx.pipeline.name, step, upstreamDir, partEntries(records[i]), stripCpu(totals), first ? { input: stepInput } : {});
    if (i === 0) addInput(input, stepInput);
    stats.push(statsRow(step, stripCpu(totals), t0, cpu[i]));
  }
  return { steps: stats, input };
}

export const documentsRunner: StepRunner = {
  fuses: true,
  partTasks: true,
  readsInput: true,
  layout: { recordDirs: [], recordFiles: [] },
  run: runSegment,
};
