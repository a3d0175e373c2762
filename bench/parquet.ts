// Parquet read speed: sluice's reader (hyparquet, native zlib, wasm zstd) vs parquetjs-lite (the previous reader)
// on the same files, written by DuckDB from the sample texts: snappy, and zstd with dictionary-encoded columns.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import parquet from 'parquetjs-lite';
import { readDocTable } from '../datasets/docTable.js';
import { readParquet } from '../datasets/parquet.js';
import { findStepFolder } from '../pipelines/runFolder.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = join(root, 'out', 'bench-parquet');

/** ~40 MB of real text rows (the sample's normalized documents, repeated), as JSONL for DuckDB to read. */
async function source(): Promise<string> {
  const path = join(work, 'rows.jsonl');
  const texts: string[] = [];
  const dir = await findStepFolder(join(root, 'out', 'corpus'), 'normalize');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.parquet')).sort()) for await (const d of readDocTable(join(dir, f))) texts.push(d.text);
  const cats = ['news', 'blog', 'forum', 'mail'];
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < 40e6; i++) {
    const text = texts[i % texts.length];
    bytes += text.length;
    lines.push(JSON.stringify({ id: i, text, category: cats[i % 4], score: (i % 100) / 100 }));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function write(jsonl: string, path: string, codec: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT * FROM read_json_auto('${jsonl}', maximum_object_size=200000000)) TO '${path}' (FORMAT parquet, COMPRESSION ${codec})`);
  c.closeSync();
}

async function ours(path: string): Promise<{ rows: number; ms: number }> {
  const t0 = performance.now();
  let rows = 0;
  for await (const item of readParquet({ path, source: path, bytes: statSync(path).size }, { textField: 'text', maxDocBytes: 1 << 30 })) if (item.kind === 'doc') rows++;
  return { rows, ms: performance.now() - t0 };
}

async function lite(path: string): Promise<{ rows: number; ms: number } | string> {
  const t0 = performance.now();
  try {
    const reader = await parquet.ParquetReader.openFile(path);
    const cursor = reader.getCursor();
    let rows = 0;
    while (await cursor.next()) rows++;
    await reader.close();
    return { rows, ms: performance.now() - t0 };
  } catch (e) {
    return `fails: ${(e as Error).message}`;
  }
}

export async function benchParquet(): Promise<string> {
  mkdirSync(work, { recursive: true });
  const jsonl = await source();
  const lines = ['Parquet read (whole file, every row and column; MB = file size) — sluice (hyparquet) vs parquetjs-lite'];
  for (const codec of ['snappy', 'zstd']) {
    const path = join(work, `${codec}.parquet`);
    await write(jsonl, path, codec);
    const mb = statSync(path).size / 1e6;
    const a = await ours(path);
    const b = await lite(path);
    const fmt = (r: { rows: number; ms: number }) => `${(mb / (r.ms / 1000)).toFixed(1).padStart(6)} MB/s ${Math.round(r.rows / (r.ms / 1000)).toLocaleString('en-US').padStart(9)} rows/s`;
    lines.push(`  ${codec.padEnd(7)} ${mb.toFixed(1)} MB, ${a.rows.toLocaleString('en-US')} rows: sluice ${fmt(a)}; parquetjs-lite ${typeof b === 'string' ? b : `${fmt(b)}; ratio ${(b.ms / a.ms).toFixed(1)}x`}`);
  }
  return lines.join('\n');
}
