// Counters merge by addition, so parts, batches and workers combine in any grouping (datatrove's stats do the same).

/** What a step did to the documents it saw, plus its own named counters. */
export interface StepCounters {
  docsIn: number;
  docsOut: number;
  /** UTF-8 bytes of text (the one definition of a document's size: `utf8Bytes`). */
  bytesIn: number;
  bytesOut: number;
  dropped: Record<string, number>;
  extra: Record<string, number>;
  /** Milliseconds spent in the stage's run, summed over workers (not deterministic; stats only). */
  cpuMs: number;
}

export type StoredCounters = Omit<StepCounters, 'cpuMs'>;

export function emptyCounters(): StepCounters {
  return { docsIn: 0, docsOut: 0, bytesIn: 0, bytesOut: 0, dropped: {}, extra: {}, cpuMs: 0 };
}

/** Adds every count of `from` into `into`. */
export function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

export function mergeCounters(into: StepCounters, from: StepCounters): StepCounters {
  into.docsIn += from.docsIn;
  into.docsOut += from.docsOut;
  into.bytesIn += from.bytesIn;
  into.bytesOut += from.bytesOut;
  into.cpuMs += from.cpuMs;
  addCounts(into.dropped, from.dropped);
  addCounts(into.extra, from.extra);
  return into;
}

/** Counts a document (and its UTF-8 bytes) under its language, when it has one: `docs-by-lang.<lang>`, `bytes-by-lang.<lang>`. */
export function countLanguage(extra: Record<string, number>, lang: unknown, bytes: number): void {
  if (typeof lang !== 'string') return;
  extra[`docs-by-lang.${lang}`] = (extra[`docs-by-lang.${lang}`] ?? 0) + 1;
  extra[`bytes-by-lang.${lang}`] = (extra[`bytes-by-lang.${lang}`] ?? 0) + bytes;
}

/** Counters as stored in part records and manifests: without the (timing-dependent) cpu time. */
export function stripCpu(c: StepCounters): StoredCounters {
  const { cpuMs: _cpu, ...rest } = c;
  return rest;
}
