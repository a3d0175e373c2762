// `sluice inspect`: a readable summary of anything the engine writes (part file, step folder, run folder).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeParquet, readRows } from '../datasets/docTable.js';
import { UserError } from '../datasets/errors.js';
import type { RunStats } from './plan.js';
import { manifestPath, readJson, type StageManifest } from './manifest.js';
import { formatStats } from './statsTable.js';
import { inspectShards } from '../shards/inspect.js';
import { findShards } from '../shards/locate.js';
import { SHARD_MANIFEST_FORMAT } from '../shards/manifest.js';

function short(v: unknown, max = 160): string {
  let s = Buffer.isBuffer(v) ? `<${v.length} bytes>` : typeof v === 'string' ? v : typeof v === 'bigint' ? v.toString() : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  s = (s ?? 'null').replace(/\s+/g, ' ');
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

async function inspectTable(path: string, rows: number): Promise<string> {
  const d = await describeParquet(path);
  const lines = [`${path}`, `  rows: ${d.rows.toLocaleString('en-US')}`, `  columns: ${d.columns.map((c) => `${c.name} (${c.type})`).join(', ')}`];
  for (const [k, v] of Object.entries(d.metadata)) lines.push(`  metadata ${k}: ${v}`);
  for (const [i, row] of (await readRows(path, rows)).entries()) {
    lines.push(`  row ${i}:`);
    for (const [k, v] of Object.entries(row)) lines.push(`    ${k}: ${short(v)}`);
  }
  return lines.join('\n');
}

async function inspectStep(dir: string, m: StageManifest, rows: number): Promise<string> {
  const t = m.totals;
  const rejected = m.parts.reduce((n, p) => n + (p.rejected?.rows ?? 0), 0);
  const lines = [
    `${dir}: step ${m.step} of pipeline ${m.pipeline}, stage ${m.stage}`,
    `  options: ${JSON.stringify(m.options)}`,
    `  upstream: ${m.upstream.dir}`,
    `  parts: ${m.parts.length}, documents in ${t.docsIn.toLocaleString('en-US')}, out ${t.docsOut.toLocaleString('en-US')}, rejected ${rejected.toLocaleString('en-US')}`,
    `  text MB in ${(t.bytesIn / 1e6).toFixed(1)}, out ${(t.bytesOut / 1e6).toFixed(1)}`,
    `  dropped: ${Object.entries(t.dropped).map(([k, v]) => `${k} ${v}`).join(', ') || '-'}`,
  ];
  if (m.reduce) lines.push(`  ${Object.entries(m.reduce).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (m.input) lines.push(`  input: ${m.input.docs} docs; bad ${JSON.stringify(m.input.bad)}; not documents ${JSON.stringify(m.input.skipped)}`);
  const first = m.parts.find((p) => p.output.rows > 0);
  if (first) lines.push('', await inspectTable(join(dir, first.output.file), rows));
  return lines.join('\n');
}

/** The step folders of a run folder in pipeline order (from run.json). */
async function runSteps(dir: string): Promise<{ dir: string; stage: string }[] | undefined> {
  return (await readJson<{ steps?: { dir: string; stage: string }[] }>(join(dir, 'run.json')))?.steps;
}

async function inspectRun(dir: string, steps: { dir: string; stage: string }[]): Promise<string> {
  const lines = [`${dir}: run folder`];
  for (const { dir: n } of steps) {
    const m = await readJson<StageManifest>(manifestPath(join(dir, n)));
    lines.push(m ? `  ${n}: complete, ${m.parts.length} parts, ${m.totals.docsIn} -> ${m.totals.docsOut} docs` : `  ${n}: incomplete (no manifest.json; rerun the same command to resume)`);
  }
  const shards = await findShards(dir).catch(() => undefined);
  if (shards) lines.push(`  token shards: ${shards} (sluice inspect ${dir} --verify checks them; sluice train --shards ${dir} trains on them)`);
  const stats = await readJson<RunStats>(join(dir, 'stats.json'));
  if (stats) lines.push('', 'last run:', formatStats(stats));
  return lines.join('\n');
}

export async function inspectPath(path: string, rows = 3, verify = false): Promise<string> {
  const st = await stat(path).catch(() => undefined);
  if (!st) throw new UserError(`inspect: ${path} does not exist`);
  const shardsManifest = await readJson<{ format?: string }>(join(path, 'manifest.json'));
  if (path.endsWith('.arrow') || shardsManifest?.format === SHARD_MANIFEST_FORMAT) return inspectShards(path, verify);
  if (st.isFile()) {
    if (path.endsWith('.parquet')) return inspectTable(path, rows);
    if (path.endsWith('manifest.json')) return inspectPath(join(path, '..'), rows);
    throw new UserError(`inspect: ${path}: expected a .parquet file, a step folder or a run folder`);
  }
  const m = await readJson<StageManifest>(manifestPath(path));
  if (m) return inspectStep(path, m, rows);
  const steps = await runSteps(path);
  if (steps && verify) return inspectShards(await findShards(path), true);
  if (steps) return inspectRun(path, steps);
  throw new UserError(`inspect: ${path} is not something sluice wrote (no manifest.json or run.json): point at a run folder (out/<pipeline>), a step folder, a part file or a shards folder`);
}
