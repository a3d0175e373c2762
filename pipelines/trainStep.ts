// A train step (bpe-train): counts in workers over the upstream parts (saved per part, so a killed run
// recounts only the missing ones), summed here, one reduce that writes the artifacts (tokenizer.json,
// vocab.txt) atomically with a checksummed record. Documents pass
// through: the manifest points at the upstream part files instead of copying them.
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { sha256File, writeFileAtomic, writeJsonAtomic } from '../datasets/atomicFile.js';
import { getTrainStage } from '../stages/index.js';
import type { StepPlan, StepSource, StepStats } from './engine.js';
import type { GlobalContext } from './globalStep.js';
import { checkFile, partName, readJson, type FileEntry, type PartEntry } from './manifest.js';
import { finishStep, passThroughParts } from './stepManifest.js';
import { forEachBatchResult } from './partBatches.js';
import { Progress } from './progress.js';
import type { CountTask } from './protocol.js';

interface ArtifactsRecord {
  fingerprint: string;
  files: FileEntry[];
  stats: Record<string, number>;
}

const BATCH_DOCS = 256;

interface PartCounts {
  fingerprint: string;
  sampleFraction: number;
  words: string[];
  counts: number[];
}

/** Counts one upstream part in the workers; the result is saved, so a killed run recounts only missing parts. */
async function countPart(ctx: GlobalContext, step: StepPlan, source: StepSource, entry: PartEntry, sampleFraction: number, progress: Progress): Promise<PartCounts> {
  const pool = ctx.pool();
  const spec = { stage: step.stage, options: step.options, key: step.fingerprint };
  const part = new Map<string, number>();
  await forEachBatchResult(
    source,
    entry,
    { batchDocs: BATCH_DOCS, threads: ctx.threads, progress },
    (docs) => pool.run({ kind: 'count', step: spec, docs, sampleFraction } satisfies CountTask) as Promise<Record<string, number>>,
    (_docs, counts) => {
      for (const k in counts) part.set(k, (part.get(k) ?? 0) + counts[k]);
    },
  );
  const words = [...part.keys()].sort();
  const counts: PartCounts = { fingerprint: step.fingerprint, sampleFraction, words, counts: words.map((w) => part.get(w)!) };
  await writeFileAtomic(join(step.path, 'counts', `${partName(entry.part)}.json`), JSON.stringify(counts));
  return counts;
}

async function countAll(ctx: GlobalContext, step: StepPlan, source: StepSource, sampleFraction: number): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  const progress = new Progress(`${step.dir} (count)`, source.manifest.totals.bytesOut, source.manifest.parts.length, process.stderr, ctx.quiet);
  try {
    for (const entry of source.manifest.parts) {
      const saved = await readJson<PartCounts>(join(step.path, 'counts', `${partName(entry.part)}.json`));
      const c = saved && saved.fingerprint === step.fingerprint && saved.sampleFraction === sampleFraction ? saved : await countPart(ctx, step, source, entry, sampleFraction, progress);
      c.words.forEach((w, i) => totals.set(w, (totals.get(w) ?? 0) + c.counts[i]));
      progress.partDone(entry.output.bytes);
    }
  } finally {
    progress.finish();
  }
  return totals;
}

export async function runTrainStep(ctx: GlobalContext, step: StepPlan, source: StepSource, force: boolean): Promise<StepStats> {
  const t0 = Date.now();
  const stage = getTrainStage(step.stage)!;
  await ctx.prepareDir(step, force);
  const recordPath = join(step.path, 'artifacts.json');
  let record = await readJson<ArtifactsRecord>(recordPath);
  let intact = record !== undefined && record.fingerprint === step.fingerprint;
  for (const f of record?.files ?? []) if (intact && (await checkFile(step.path, f)) !== null) intact = false;
  if (!intact) {
    const maxBytes = (step.options.maxTrainBytes as number | undefined) ?? Infinity;
    const sampleFraction = Math.min(1, maxBytes / Math.max(1, source.manifest.totals.bytesOut));
    const counts = await countAll(ctx, step, source, sampleFraction);
    const out = stage.reduce(counts, step.options);
    const files: FileEntry[] = [];
    for (const [name, data] of Object.entries(out.files)) {
      const path = join(step.path, name);
      await writeFileAtomic(path, data);
      files.push({ file: name, rows: 0, bytes: (await stat(path)).size, sha256: await sha256File(path) });
    }
    record = { fingerprint: step.fingerprint, files, stats: { ...out.stats, sampleFraction } };
    await writeJsonAtomic(recordPath, record);
  }
  // Documents pass through: each part entry points at the upstream file (a relative path from this folder).
  const { parts, totals } = passThroughParts(step, source);
  return finishStep(ctx.pipeline, step, source, parts, totals, record!.stats, t0);
}
