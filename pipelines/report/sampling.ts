// How a report stays small on a run of any size: it reads a bounded, evenly spaced choice of part files, only
// the columns it needs, one row group at a time.
import { openParquet, readRowGroups } from '../../datasets/parquetFile.js';

/** Up to `k` of the indices 0..n-1, evenly spaced, in order (all of them when n <= k). */
export function evenlySpaced(n: number, k: number): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
}

/** Rows of a Parquet file with only `columns`, until `visit` returns false. */
export async function eachRow(path: string, columns: string[], visit: (row: Record<string, unknown>) => boolean | void): Promise<void> {
  const f = await openParquet(path);
  try {
    for await (const g of readRowGroups(f, columns)) for (const r of g.rows) if (visit(r) === false) return;
  } finally {
    await f.close();
  }
}

/** The first non-empty line of a text, at most `max` characters. */
export function firstLine(text: unknown, max = 160): string {
  const s = typeof text === 'string' ? text : '';
  const line = s.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function parseMeta(v: unknown): Record<string, unknown> {
  if (typeof v !== 'string') return {};
  try {
    return JSON.parse(v) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Equal-width bins over [lo, hi] (values outside go to the first or last bin). */
export function binLinear(values: number[], lo: number, hi: number, n: number): { x0: number; x1: number; count: number }[] {
  const w = (hi - lo) / n || 1;
  const bins = Array.from({ length: n }, (_, i) => ({ x0: lo + i * w, x1: lo + (i + 1) * w, count: 0 }));
  for (const v of values) bins[Math.min(n - 1, Math.max(0, Math.floor((v - lo) / w)))].count++;
  return bins;
}

/** Bins equal in log10(1 + x), for counts spanning orders of magnitude (words, sentences). */
export function binLog(values: number[], n: number): { x0: number; x1: number; count: number }[] {
  const top = Math.log10(1 + values.reduce((m, v) => (v > m ? v : m), 1));
  const w = top / n;
  const bins = Array.from({ length: n }, (_, i) => ({ x0: 10 ** (i * w) - 1, x1: 10 ** ((i + 1) * w) - 1, count: 0 }));
  for (const v of values) bins[Math.min(n - 1, Math.max(0, Math.floor(Math.log10(1 + Math.max(0, v)) / w)))].count++;
  return bins;
}
