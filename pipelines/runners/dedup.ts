// A dedup step (exact-dedup, minhash-dedup): map in workers -> keys/part-N.bin, reduce in this thread ->
// clusters.bin, then a filter pass that keeps each cluster's first document. Every phase leaves records
// with the step's fingerprint and checksums, so a killed run resumes at the phase and part it reached.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File, writeFileAtomic, writeJsonAtomic } from '../../datasets/atomicFile.js';
import { countLanguage, emptyCounters, mergeCounters, stripCpu } from '../../datasets/counters.js';
import { utf8Bytes, type MetaValue } from '../../datasets/doc.js';
import { DocTableWriter, readDocTable, readIds } from '../../datasets/docTable.js';
import type { DedupStage, KeyColumns } from '../../stages/stage.js';
import { batchesOf, inOrder } from '../batches.js';
import { hashJson } from '../fingerprint.js';
import { checkFile, fileEntry, partName, partRecordPath, readJson, relEntry, type FileEntry, type PartEntry, type PartRecord } from '../manifest.js';
import type { StepPlan, StepSource } from '../plan.js';
import { Progress } from '../progress.js';
import type { KeysTask } from '../protocol.js';
import { partEntries } from '../stepFolder.js';
import { stateFor } from '../tasks.js';
import { clusterKeys, type ClusterResult, type KeyPart } from './keyClusters.js';
import { concatKeys, encodeKeys } from './keysFile.js';
import { corpusWideRunner } from './corpusWide.js';
import { inFlightOf, type RunContext } from './runner.js';

const KEYS_DIR = 'keys';
const CLUSTERS_RECORD = 'clusters.json';

interface KeysRecord extends FileEntry {
  part: number;
  fingerprint: string;
  columns: number;
}

interface ClustersRecord extends FileEntry {
  fingerprint: string;
  keysDigest: string;
  clusters: number;
  duplicates: number;
  candidatePairs: number;
}

/** Map phase for one part: batches of upstream documents to the pool, keys back in order, one file. */
async function mapPart(ctx: RunContext, step: StepPlan, source: StepSource, entry: PartEntry, progress: Progress): Promise<KeysRecord> {
  const pool = ctx.pool();
  const spec = { stage: step.stage, options: step.runOptions, key: step.fingerprint };
  const results: KeyColumns[] = [];
  await inOrder(
    batchesOf(readDocTable(join(source.step.path, entry.output.file)), ctx.pipeline),
    inFlightOf(ctx),
    (b) => {
      progress.add(b.docs.length, b.bytes);
      return pool.run({ kind: 'keys', step: spec, docs: b.docs } satisfies KeysTask) as Promise<KeyColumns>;
    },
    (_b, keys) => void results.push(keys),
  );
  const columns = results[0]?.columns ?? 0;
  const keys = concatKeys(results, columns);
  const file = join(KEYS_DIR, `${partName(entry.part)}.bin`);
  const path = join(step.path, file);
  await writeFileAtomic(path, encodeKeys(keys));
  const record: KeysRecord = { part: entry.part, fingerprint: step.fingerprint, columns, file, rows: keys.rows, bytes: (await stat(path)).size, sha256: await sha256File(path) };
  await writeJsonAtomic(join(step.path, KEYS_DIR, `${partName(entry.part)}.json`), record);
  return record;
}

/** Reads the documents at the given global indices (for exact verification of candidate pairs). */
async function featuresOf(stage: DedupStage, step: StepPlan, source: StepSource, wanted: Set<number>): Promise<Map<number, Uint32Array>> {
  const state = await stateFor(`${step.fingerprint}:main`, step.stage, step.runOptions);
  const out = new Map<number, Uint32Array>();
  let base = 0;
  for (const entry of source.manifest.parts) {
    let i = base;
    const hasAny = [...wanted].some((g) => g >= base && g < base + entry.output.rows);
    if (hasAny) {
      for await (const doc of readDocTable(join(source.step.path, entry.output.file))) {
        if (wanted.has(i)) out.set(i, stage.verify!.features(doc, step.runOptions, state));
        i++;
      }
    }
    base += entry.output.rows;
  }
  return out;
}

async function reduce(stage: DedupStage, step: StepPlan, source: StepSource, keyParts: KeysRecord[]): Promise<{ rep: Int32Array; record: ClustersRecord }> {
  const keysDigest = hashJson(keyParts.map((k) => k.sha256));
  const old = await readJson<ClustersRecord>(join(step.path, CLUSTERS_RECORD));
  if (old && old.fingerprint === step.fingerprint && old.keysDigest === keysDigest && (await checkFile(step.path, old)) === null) {
    const buf = await readFile(join(step.path, old.file));
    return { rep: new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), record: old };
  }
  const parts: KeyPart[] = keyParts.map((k) => ({ path: join(step.path, k.file), rows: k.rows }));
  const columns = Math.max(0, ...keyParts.map((k) => k.columns));
  let verify: ((pairs: [number, number][]) => Promise<[number, number][]>) | undefined;
  const check = stage.verify;
  if (check?.enabled(step.runOptions)) {
    const threshold = check.threshold(step.runOptions);
    verify = async (pairs) => {
      const features = await featuresOf(stage, step, source, new Set(pairs.flat()));
      return pairs.filter(([a, b]) => check.similarity(features.get(a)!, features.get(b)!) >= threshold);
    };
  }
  const result: ClusterResult = await clusterKeys(parts, columns, verify);
  const file = 'clusters.bin';
  await writeFileAtomic(join(step.path, file), Buffer.from(result.rep.buffer, result.rep.byteOffset, result.rep.byteLength));
  const path = join(step.path, file);
  const record: ClustersRecord = {
    fingerprint: step.fingerprint,
    keysDigest,
    file,
    rows: result.rep.length,
    bytes: (await stat(path)).size,
    sha256: await sha256File(path),
    clusters: result.clusters,
    duplicates: result.duplicates,
    candidatePairs: result.candidatePairs,
  };
  await writeJsonAtomic(join(step.path, CLUSTERS_RECORD), record);
  return { rep: result.rep, record };
}

/** Ids of the kept documents of clusters, read from the id column only. */
async function rootIds(source: StepSource, roots: Set<number>): Promise<Map<number, string>> {
  const ids = new Map<number, string>();
  let base = 0;
  for (const entry of source.manifest.parts) {
    const rows = entry.output.rows;
    if ([...roots].some((g) => g >= base && g < base + rows)) {
      let i = base;
      for await (const id of readIds(join(source.step.path, entry.output.file))) {
        if (roots.has(i)) ids.set(i, id);
        i++;
      }
    }
    base += rows;
  }
  return ids;
}

/** What the filter pass annotates: cluster sizes (by representative) and the stage's meta for a size. */
interface Annotate {
  sizes: Int32Array;
  meta?: (size: number) => Record<string, MetaValue>;
}

/** Members per cluster, counted at each cluster's kept document (every document is its own cluster at least). */
function clusterSizes(rep: Int32Array): Int32Array {
  const sizes = new Int32Array(rep.length);
  for (let i = 0; i < rep.length; i++) sizes[rep[i]]++;
  return sizes;
}

async function filterPart(step: StepPlan, entry: PartEntry, source: StepSource, base: number, rep: Int32Array, ids: Map<number, string>, annotate: Annotate): Promise<PartRecord> {
  const name = partName(entry.part);
  const kept = new DocTableWriter(join(step.path, `${name}.parquet`), false);
  const rejected = new DocTableWriter(join(step.path, 'rejected', `${name}.parquet`), true);
  const counters = emptyCounters();
  let g = base;
  for await (const doc of readDocTable(join(source.step.path, entry.output.file))) {
    const bytes = utf8Bytes(doc.text);
    counters.docsIn++;
    counters.bytesIn += bytes;
    const root = rep[g];
    if (root === g) {
      await kept.write(annotate.meta ? { ...doc, meta: { ...doc.meta, ...annotate.meta(annotate.sizes[g]) } } : doc);
      counters.docsOut++;
      counters.bytesOut += bytes;
      countLanguage(counters.extra, doc.meta.lang, bytes);
    } else {
      counters.dropped.duplicate = (counters.dropped.duplicate ?? 0) + 1;
      await rejected.write({ ...doc, meta: { ...doc.meta, dupCluster: root, dupOf: ids.get(root) ?? null }, stage: step.stage, reason: 'duplicate' });
    }
    g++;
  }
  const out = await kept.finish(true);
  const rej = await rejected.finish(false);
  const record: PartRecord = {
    part: entry.part,
    fingerprint: step.fingerprint,
    from: entry.from,
    output: relEntry(step.path, out!),
    rejected: rej ? relEntry(step.path, rej) : null,
    counters: stripCpu(counters),
  };
  await writeJsonAtomic(partRecordPath(step.path, entry.part), record);
  return record;
}

export const dedupRunner = corpusWideRunner('dedup', { recordDirs: [KEYS_DIR], recordFiles: [CLUSTERS_RECORD] }, async (ctx, stage, step, source, keptParts) => {
  const upParts = source.manifest.parts;
  // Map: keys per part, reusing intact ones.
  const progress = new Progress(`${step.dir} (map)`, source.manifest.totals.bytesOut, upParts.length, process.stderr, ctx.quiet);
  const keyParts: KeysRecord[] = [];
  try {
    for (const entry of upParts) {
      const old = await readJson<KeysRecord>(join(step.path, KEYS_DIR, `${partName(entry.part)}.json`));
      if (old && old.fingerprint === step.fingerprint && (await checkFile(step.path, old)) === null) keyParts.push(old);
      else keyParts.push(await mapPart(ctx, step, source, entry, progress));
      progress.partDone(entry.output.bytes);
    }
  } finally {
    progress.finish();
  }
  // Reduce: clusters over the whole corpus.
  const { rep, record } = await reduce(stage, step, source, keyParts);
  const roots = new Set<number>();
  for (let i = 0; i < rep.length; i++) if (rep[i] !== i) roots.add(rep[i]);
  const ids = await rootIds(source, roots);
  // Filter: keep each cluster's first document; the others go to rejected/ with the cluster and kept id.
  const records: PartRecord[] = [];
  let base = 0;
  const clusterMeta = stage.clusterMeta;
  const annotate: Annotate = { sizes: clusterSizes(rep), ...(clusterMeta ? { meta: (n: number) => clusterMeta(n, step.runOptions) } : {}) };
  for (const entry of upParts) {
    const old = keptParts.get(entry.part);
    records.push(old ?? (await filterPart(step, entry, source, base, rep, ids, annotate)));
    base += entry.output.rows;
  }
  const totals = emptyCounters();
  for (const r of records) mergeCounters(totals, { ...r.counters, cpuMs: 0 });
  const found = { clusters: record.clusters, duplicates: record.duplicates, candidatePairs: record.candidatePairs };
  const files = [
    ...keyParts.map(({ file, rows, bytes, sha256 }) => ({ file, rows, bytes, sha256 })),
    ...(await Promise.all(keyParts.map((k) => fileEntry(step.path, join(KEYS_DIR, `${partName(k.part)}.json`))))),
    { file: record.file, rows: record.rows, bytes: record.bytes, sha256: record.sha256 },
    await fileEntry(step.path, CLUSTERS_RECORD),
  ];
  return { parts: partEntries(records), totals: stripCpu(totals), reduce: found, files };
});
