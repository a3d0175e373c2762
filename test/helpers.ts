// Shared test helpers: repo paths, temporary folders, engine runs, and output fingerprints.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRows } from '../datasets/docTable.js';
import { Engine, type RunOptions, type RunStats } from '../pipelines/engine.js';
import { validatePipeline } from '../pipelines/validate.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const sampleDir = join(repoRoot, 'data', 'sample');
export const cliPath = join(repoRoot, 'dist', 'pipelines', 'cli.js');

export function tmp(prefix = 'sluice-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function runDef(def: unknown, opts: Omit<RunOptions, 'pipeline' | 'cwd'> & { cwd?: string }): Promise<RunStats> {
  const pipeline = validatePipeline(def, 'test-pipeline');
  return new Engine({ quiet: true, cwd: opts.cwd ?? repoRoot, ...opts, pipeline }).run();
}

/** Every file under `dir` (except stats.json, which holds timings) with its sha256: equal maps = byte-identical outputs. */
export function treeDigest(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name !== 'stats.json') out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Every row of a Parquet file, all columns, for assertions on what was written. */
export const parquetRows = (path: string): Promise<Record<string, unknown>[]> => readRows(path);

/** The finished lines of a log another process is still appending to (its last line may be half written). */
export function completeLines(text: string): string[] {
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean);
}
