// Stage manifests: what a stage wrote, with checksums and counters; the record that makes resume safe.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../datasets/atomicFile.js';
import type { WrittenFile } from '../datasets/docTable.js';
import { addCounts, type StoredCounters } from '../datasets/counters.js';

export const MANIFEST_FORMAT = 'sluice.stage';
export const MANIFEST_VERSION = 1;

export interface FileEntry {
  /** Relative to the stage folder. */
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** What the reader saw in the raw input (only on the first step). */
export interface InputCounters {
  docs: number;
  bytes: number;
  bad: Record<string, number>;
  skipped: Record<string, number>;
}

export interface PartEntry {
  part: number;
  /** The input files this part was made from (the same through every step). */
  from: string[];
  output: FileEntry;
  rejected: FileEntry | null;
  counters: StoredCounters;
  input?: InputCounters;
}

export interface PartRecord extends PartEntry {
  fingerprint: string;
}

export interface StageManifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  pipeline: string;
  step: number;
  stage: string;
  dir: string;
  options: Record<string, unknown>;
  fingerprint: string;
  upstream: { dir: string; fingerprint: string };
  parts: PartEntry[];
  totals: StoredCounters;
  input?: InputCounters;
  /** Corpus-wide steps: every file the step wrote besides its parts (keys, clusters, tokenizer, shards...), checked before reuse. */
  files?: FileEntry[];
  /** Corpus-wide steps: what the reduce found or learned (clusters, vocabulary size, token counts...). */
  reduce?: Record<string, number>;
}

export function emptyInput(): InputCounters {
  return { docs: 0, bytes: 0, bad: {}, skipped: {} };
}

export function addInput(into: InputCounters, from: InputCounters): void {
  into.docs += from.docs;
  into.bytes += from.bytes;
  addCounts(into.bad, from.bad);
  addCounts(into.skipped, from.skipped);
}

export function manifestPath(stageDir: string): string {
  return join(stageDir, 'manifest.json');
}

export function partRecordPath(stageDir: string, part: number): string {
  return join(stageDir, 'parts', `${partName(part)}.json`);
}

export function partName(part: number): string {
  return `part-${String(part).padStart(5, '0')}`;
}

export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Why a written file cannot be trusted, or null when its size and checksum match. */
export async function checkFile(dir: string, entry: FileEntry): Promise<string | null> {
  const path = join(dir, entry.file);
  const st = await stat(path).catch(() => undefined);
  if (!st) return `${path} is missing`;
  if (st.size !== entry.bytes) return `${path} has ${st.size} bytes, the manifest says ${entry.bytes}`;
  if ((await sha256File(path)) !== entry.sha256) return `${path} does not match its checksum`;
  return null;
}

/** A file's entry (size and checksum), its path relative to `dir`. */
export async function fileEntry(dir: string, file: string, rows = 0): Promise<FileEntry> {
  const path = join(dir, file);
  return { file, rows, bytes: (await stat(path)).size, sha256: await sha256File(path) };
}

/** Why a part record cannot be reused, or null when every file it names is intact. */
export async function checkPart(dir: string, rec: PartEntry): Promise<string | null> {
  return (await checkFile(dir, rec.output)) ?? (rec.rejected ? await checkFile(dir, rec.rejected) : null);
}

/** A written file's entry, its path relative to the step folder. */
export function relEntry(dir: string, w: WrittenFile): FileEntry {
  return { file: w.file.slice(dir.length + 1), rows: w.rows, bytes: w.bytes, sha256: w.sha256 };
}
