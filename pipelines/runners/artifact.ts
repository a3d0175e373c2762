// An artifact step (e.g. bpe-train): counts in workers over the upstream parts (saved per part, so a killed run
// recounts only the missing ones), summed here, one reduce that writes the stage's files atomically with a
// checksummed record. Documents pass through: the manifest points at the upstream part files instead of copying them.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File, writeFileAtomic, writeJsonAtomic } from '../../datasets/atomicFile.js';
import { readDocTable } from '../../datasets/docTable.js';
import type { ArtifactStage } from '../../stages/stage.js';
import { batchesOf, inOrder } from '../batches.js';
import { hashJson } from '../fingerprint.js';
import { countLanguage, emptyCounters, mergeCounters, stripCpu } from '../../datasets/counters.js';
import { utf8Bytes } from '../../datasets/doc.js';
import { DocTableWriter } from '../../datasets/docTable.js';
import { checkFile, fileEntry, partName, partRecordPath, readJson, relEntry, type FileEntry, type PartEntry, type PartRecord } from '../manifest.js';
import type { StepPlan, StepSource } from '../plan.js';
import { Progress } from '../progress.js';
import type { CountsTask } from '../protocol.js';
import { partEntries, passThroughParts } from '../stepFolder.js';
import { corpusWideRunner } from './corpusWide.js';
import { inFlightOf, type RunContext } from './runner.js';

const COUNTS_DIR = 'counts';
const ARTIFACTS_RECORD = 'artifacts.json';

interface ArtifactsRecord {
  fingerprint: string;
  files: FileEntry[];
  stats: Record<string, number>;
  /** What a stage with `keep` filters by. */
  learned?: Record<string, unknown>;
}

/** One part's summed counts, sorted by key: a killed run recounts only the parts without one. */
interface PartCounts {
  fingerprint: string;
  sampleFraction: number;
  /** sha256 of the words and counts: a damaged file is recounted, never trusted. */
  digest: string;
  words: string[];
  counts: number[];
}

const countsDigest = (words: string[], counts: number[]): string => hashJson([words, counts]);

/** Saved counts of a part, if they were made for this step and sample and are intact. */
async function savedCounts(step: StepPlan, part: number, sampleFraction: number): Promise<PartCounts | undefined> {
  const c = await readJson<PartCounts>(join(step.path, COUNTS_DIR, `${partName(part)}.json`));
  if (!c || c.fingerprint !== step.fingerprint || c.sampleFraction !== sampleFraction) return undefined;
  return Array.isArray(c.words) && Array.isArray(c.counts) && countsDigest(c.words, c.counts) === c.digest ? c : undefined;
}

async function countPart(ctx: RunContext, step: StepPlan, source: StepSource, entry: PartEntry, sampleFraction: number, progress: Progress): Promise<PartCounts> {
  const pool = ctx.pool();
  const spec = { stage: step.stage, options: step.runOptions, key: step.fingerprint };
  const part = new Map<string, number>();
  await inOrder(
    batchesOf(readDocTable(join(source.step.path, entry.output.file)), ctx.pipeline),
    inFlightOf(ctx),
    (b) => {
      progress.add(b.docs.length, b.bytes);
      return pool.run({ kind: 'counts', step: spec, docs: b.docs, sampleFraction } satisfies CountsTask) as Promise<Record<string, number>>;
    },
    (_b, counts) => {
      for (const k in counts) part.set(k, (part.get(k) ?? 0) + counts[k]);
    },
  );
  const words = [...part.keys()].sort();
  const values = words.map((w) => part.get(w)!);
  const counts: PartCounts = { fingerprint: step.fingerprint, sampleFraction, digest: countsDigest(words, values), words, counts: values };
  await writeFileAtomic(join(step.path, COUNTS_DIR, `${partName(entry.part)}.json`), JSON.stringify(counts));
  return counts;
}

async function countAll(ctx: RunContext, step: StepPlan, source: StepSource, sampleFraction: number): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  const progress = new Progress(`${step.dir} (count)`, source.manifest.totals.bytesOut, source.manifest.parts.length, process.stderr, ctx.quiet);
  try {
    for (const entry of source.manifest.parts) {
      const c = (await savedCounts(step, entry.part, sampleFraction)) ?? (await countPart(ctx, step, source, entry, sampleFraction, progress));
      c.words.forEach((w, i) => totals.set(w, (totals.get(w) ?? 0) + c.counts[i]));
      progress.partDone(entry.output.bytes);
    }
  } finally {
    progress.finish();
  }
  return totals;
}

/** Counts and reduces unless the step's files are already intact; returns the artifacts record. */
async function learn(ctx: RunContext, stage: ArtifactStage, step: StepPlan, source: StepSource): Promise<ArtifactsRecord> {
  const recordPath = join(step.path, ARTIFACTS_RECORD);
  const old = await readJson<ArtifactsRecord>(recordPath);
  let intact = old !== undefined && old.fingerprint === step.fingerprint;
  for (const f of old?.files ?? []) if (intact && (await checkFile(step.path, f)) !== null) intact = false;
  if (intact) return old!;
  const sampleBytes = stage.sampleBytes?.(step.runOptions) ?? Infinity;
  const sampleFraction = Math.min(1, sampleBytes / Math.max(1, source.manifest.totals.bytesOut));
  const counts = await countAll(ctx, step, source, sampleFraction);
  const out = stage.reduce(counts, step.runOptions);
  const files: FileEntry[] = [];
  for (const [name, data] of Object.entries(out.files)) {
    const path = join(step.path, name);
    await writeFileAtomic(path, data);
    files.push({ file: name, rows: 0, bytes: (await stat(path)).size, sha256: await sha256File(path) });
  }
  const record: ArtifactsRecord = { fingerprint: step.fingerprint, files, stats: { ...out.stats, sampleFraction }, ...(out.learned ? { learned: out.learned } : {}) };
  await writeJsonAtomic(recordPath, record);
  return record;
}

/** The second pass of a stage with `keep`: each upstream part to a kept and a rejected part file, in order. */
async function filterPart(stage: ArtifactStage, step: StepPlan, entry: PartEntry, source: StepSource, learned: Record<string, unknown>): Promise<PartRecord> {
  const name = partName(entry.part);
  const kept = new DocTableWriter(join(step.path, `${name}.parquet`), false);
  const rejected = new DocTableWriter(join(step.path, 'rejected', `${name}.parquet`), true);
  const counters = emptyCounters();
  for await (const doc of readDocTable(join(source.step.path, entry.output.file))) {
    const bytes = utf8Bytes(doc.text);
    counters.docsIn++;
    counters.bytesIn += bytes;
    const reason = stage.keep!(doc, step.runOptions, learned);
    if (reason === null) {
      await kept.write(doc);
      counters.docsOut++;
      counters.bytesOut += bytes;
      countLanguage(counters.extra, doc.meta.lang, bytes);
    } else {
      counters.dropped[reason] = (counters.dropped[reason] ?? 0) + 1;
      await rejected.write({ ...doc, stage: step.stage, reason });
    }
  }
  const out = await kept.finish(true);
  const rej = await rejected.finish(false);
  const record: PartRecord = { part: entry.part, fingerprint: step.fingerprint, from: entry.from, output: relEntry(step.path, out!), rejected: rej ? relEntry(step.path, rej) : null, counters: stripCpu(counters) };
  await writeJsonAtomic(partRecordPath(step.path, entry.part), record);
  return record;
}

/** Kept and dropped documents by what the stage learned, reusing the parts already filtered. */
async function filterAll(stage: ArtifactStage, step: StepPlan, source: StepSource, learned: Record<string, unknown>, complete: Map<number, PartRecord>) {
  const records: PartRecord[] = [];
  for (const entry of source.manifest.parts) records.push(complete.get(entry.part) ?? (await filterPart(stage, step, entry, source, learned)));
  const totals = emptyCounters();
  for (const r of records) mergeCounters(totals, { ...r.counters, cpuMs: 0 });
  return { parts: partEntries(records), totals: stripCpu(totals) };
}

export const artifactRunner = corpusWideRunner('artifact', { recordDirs: [COUNTS_DIR], recordFiles: [] }, async (ctx, stage, step, source, complete) => {
  const record = await learn(ctx, stage, step, source);
  const files = [
    ...record.files,
    await fileEntry(step.path, ARTIFACTS_RECORD),
    ...(await Promise.all(source.manifest.parts.map((p) => fileEntry(step.path, join(COUNTS_DIR, `${partName(p.part)}.json`))))),
  ];
  const docs = stage.keep ? await filterAll(stage, step, source, record.learned ?? {}, complete) : passThroughParts(step, source);
  return { ...docs, reduce: record.stats, files };
});
