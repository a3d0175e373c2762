// What every corpus-wide step writes last: its manifest.json (the "complete" marker), and for steps whose
// documents pass through unchanged (bpe-train, encode), part entries that point at the upstream files.
import { join, relative } from 'node:path';
import { writeJsonAtomic } from '../datasets/atomicFile.js';
import type { StepPlan, StepSource, StepStats } from './engine.js';
import { MANIFEST_FORMAT, MANIFEST_VERSION, manifestPath, type PartEntry, type StageManifest } from './manifest.js';


/** Part entries for documents passed through without a copy: each points at the upstream part file. */
export function passThroughParts(step: StepPlan, source: StepSource): { parts: PartEntry[]; totals: StageManifest['totals'] } {
  const parts = source.manifest.parts.map((p) => ({
    ...p,
    output: { ...p.output, file: relative(step.path, join(source.step.path, p.output.file)) },
    rejected: null,
    counters: { docsIn: p.output.rows, docsOut: p.output.rows, bytesIn: p.counters.bytesOut, bytesOut: p.counters.bytesOut, dropped: {}, extra: {} },
  }));
  const t = source.manifest.totals;
  return { parts, totals: { docsIn: t.docsOut, docsOut: t.docsOut, bytesIn: t.bytesOut, bytesOut: t.bytesOut, dropped: {}, extra: {} } };
}

/** Writes the step's manifest and returns its stats row. */
export async function finishStep(
  pipeline: string,
  step: StepPlan,
  source: StepSource,
  parts: PartEntry[],
  totals: StageManifest['totals'],
  reduce: Record<string, number>,
  t0: number,
): Promise<StepStats> {
  const manifest: StageManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    pipeline,
    step: step.index,
    stage: step.stage,
    dir: step.dir,
    options: step.options,
    fingerprint: step.fingerprint,
    upstream: { dir: source.step.dir, fingerprint: step.upstreamFingerprint },
    parts,
    totals,
    reduce,
  };
  await writeJsonAtomic(manifestPath(step.path), manifest);
  return { dir: step.dir, stage: step.stage, reused: false, wallMs: Date.now() - t0, cpuMs: 0, ...totals, reduce };
}
