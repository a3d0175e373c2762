// A step's folder: made ready for a run (stale outputs removed, temporaries cleaned, complete parts found),
// and finished by its manifest.json, the "complete" marker every later run and step trusts.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writeJsonAtomic } from '../datasets/atomicFile.js';
import type { StoredCounters } from '../datasets/counters.js';
import {
  MANIFEST_FORMAT, MANIFEST_VERSION, checkPart, manifestPath, readJson,
  type FileEntry, type InputCounters, type PartEntry, type PartRecord, type StageManifest,
} from './manifest.js';
import type { StepPlan, StepSource, StepStats } from './plan.js';

/** What a kind of step writes besides parts/ and rejected/: folders and files of JSON records that carry its fingerprint. */
export interface FolderLayout {
  recordDirs: readonly string[];
  recordFiles: readonly string[];
}

const PART_RECORD = /^part-\d+\.json$/;

/** True when some record in the folder was made with another fingerprint (other options or input). */
async function hasStaleRecords(step: StepPlan, layout: FolderLayout): Promise<boolean> {
  for (const sub of ['parts', ...layout.recordDirs]) {
    const names = await readdir(join(step.path, sub)).catch(() => [] as string[]);
    for (const name of names.filter((n) => (sub === 'parts' ? PART_RECORD.test(n) : n.endsWith('.json')))) {
      if ((await readJson<{ fingerprint?: string }>(join(step.path, sub, name)))?.fingerprint !== step.fingerprint) return true;
    }
  }
  for (const file of layout.recordFiles) {
    const rec = await readJson<{ fingerprint?: string }>(join(step.path, file));
    if (rec && rec.fingerprint !== step.fingerprint) return true;
  }
  return false;
}

/**
 * Prepares a step folder: a fresh one when forced or stale, else keeps what was made with the same fingerprint;
 * removes the manifest (the step is being run) and temporaries. Returns the parts already complete.
 */
export async function prepareStepFolder(step: StepPlan, force: boolean, layout: FolderLayout): Promise<Map<number, PartRecord>> {
  const old = await readJson<StageManifest>(manifestPath(step.path));
  const stale = force || (old !== undefined && old.fingerprint !== step.fingerprint) || (await hasStaleRecords(step, layout));
  if (stale) await rm(step.path, { recursive: true, force: true });
  await mkdir(join(step.path, 'parts'), { recursive: true });
  await mkdir(join(step.path, 'rejected'), { recursive: true });
  await rm(manifestPath(step.path), { force: true });
  for (const sub of ['', 'rejected', 'parts', ...layout.recordDirs]) {
    for (const name of await readdir(join(step.path, sub)).catch(() => [] as string[])) {
      if (name.includes('.tmp-')) await rm(join(step.path, sub, name), { force: true });
    }
  }
  return completeParts(step);
}

/** The parts of a step whose files are complete and were made with its fingerprint (reads only; safe beside other tasks). */
export async function completeParts(step: StepPlan): Promise<Map<number, PartRecord>> {
  const keep = new Map<number, PartRecord>();
  const names = await readdir(join(step.path, 'parts')).catch(() => [] as string[]);
  for (const name of names.filter((n) => PART_RECORD.test(n)).sort()) {
    const rec = await readJson<PartRecord>(join(step.path, 'parts', name));
    if (rec && rec.fingerprint === step.fingerprint && (await checkPart(step.path, rec)) === null) keep.set(rec.part, rec);
  }
  return keep;
}

/** Part entries for documents passed through without a copy: each points at the upstream part file. */
export function passThroughParts(step: StepPlan, source: StepSource): { parts: PartEntry[]; totals: StoredCounters } {
  const parts = source.manifest.parts.map((p) => ({
    ...p,
    output: { ...p.output, file: relative(step.path, join(source.step.path, p.output.file)) },
    rejected: null,
    counters: { docsIn: p.output.rows, docsOut: p.output.rows, bytesIn: p.counters.bytesOut, bytesOut: p.counters.bytesOut, dropped: {}, extra: {} },
  }));
  const t = source.manifest.totals;
  return { parts, totals: { docsIn: t.docsOut, docsOut: t.docsOut, bytesIn: t.bytesOut, bytesOut: t.bytesOut, dropped: {}, extra: {} } };
}

/** The part entries of a manifest, from part records (the fingerprint is the manifest's own). */
export function partEntries(records: PartRecord[]): PartEntry[] {
  return records.map(({ fingerprint: _f, ...entry }) => entry);
}

export interface ManifestExtras {
  /** First step over the raw input: what the reader saw. */
  input?: InputCounters;
  /** Corpus-wide steps: every other file written, with its checksum. */
  files?: FileEntry[];
  /** Corpus-wide steps: what the reduce found or learned. */
  reduce?: Record<string, number>;
}

/** Writes the step's manifest.json (atomically: its presence means every file of the step is complete). */
export async function writeStepManifest(
  pipeline: string,
  step: StepPlan,
  upstreamDir: string,
  parts: PartEntry[],
  totals: StoredCounters,
  extras: ManifestExtras = {},
): Promise<StageManifest> {
  const manifest: StageManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    pipeline,
    step: step.index,
    stage: step.stage,
    dir: step.dir,
    options: step.options,
    fingerprint: step.fingerprint,
    upstream: { dir: upstreamDir, fingerprint: step.upstreamFingerprint },
    parts,
    totals,
    ...(extras.input ? { input: extras.input } : {}),
    ...(extras.files ? { files: extras.files } : {}),
    ...(extras.reduce ? { reduce: extras.reduce } : {}),
  };
  await writeJsonAtomic(manifestPath(step.path), manifest);
  return manifest;
}

/** The stats row of a step that just ran. */
export function statsRow(step: StepPlan, totals: StoredCounters, t0: number, cpuMs: number, reduce?: Record<string, number>): StepStats {
  return { dir: step.dir, stage: step.stage, reused: false, wallMs: Date.now() - t0, ...totals, cpuMs, ...(reduce ? { reduce } : {}) };
}
