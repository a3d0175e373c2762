// Parquet files written by other tools, in the test itself: polars (every codec, a Categorical = dictionary column,
// struct and list columns), DuckDB (every codec, the v2 encodings, many row groups, key-value metadata),
// hyparquet-writer (data pages v2), a Hugging Face dataset folder; and our own tables read back by polars and DuckDB.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteFile } from 'hyparquet-writer';
import type { ReadItem } from '../../datasets/doc.js';
import { DocTableWriter } from '../../datasets/docTable.js';
import { readParquet } from '../../datasets/parquet.js';
import { cliPath, collect, tmp } from '../helpers.js';

const require = createRequire(import.meta.url);
const pl = require('nodejs-polars') as typeof import('nodejs-polars');
const opts = { textField: 'text', maxDocBytes: 256 << 20 };
const N = 3000;
const texts = Array.from({ length: N }, (_, i) => `Document ${i}: ${'grüße 東京 '.repeat(1 + (i % 7))}end.`);
const cats = ['news', 'blog', 'forum'];

async function read(path: string) {
  const items: ReadItem[] = await collect(readParquet({ path, source: path, bytes: readFileSync(path).length }, opts));
  return { docs: items.flatMap((i) => (i.kind === 'doc' ? [i.doc] : [])), bad: items.flatMap((i) => (i.kind === 'bad' ? [i.bad] : [])) };
}

async function duck(sql: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(sql);
  c.closeSync();
}

const SOURCE = `SELECT i AS id, 'Document ' || i || ': ' || repeat('grüße 東京 ', 1 + i % 7) || 'end.' AS text, ['news', 'blog', 'forum'][1 + i % 3] AS category,
  i * 1000000007::BIGINT AS big, {'lang': 'de', 'score': i / 10} AS meta, ['x', 'y'] AS tags, DATE '2024-01-01' + i::INTEGER AS day FROM range(${N}) t(i)`;

for (const codec of ['zstd', 'lz4', 'snappy', 'gzip', 'brotli', 'uncompressed'] as const) {
  test(`polars, ${codec}, with a Categorical (dictionary-encoded), struct and list column`, async () => {
    const path = join(tmp(), `polars-${codec}.parquet`);
    const df = pl
      .DataFrame({
        id: texts.map((_, i) => i),
        text: texts,
        category: texts.map((_, i) => cats[i % 3]),
        meta: texts.map((_, i) => ({ category: cats[i % 3], n: 7 })),
        tags: texts.map((_, i) => [cats[i % 3], 'z']),
      })
      .withColumns(pl.col('category').cast(pl.Categorical));
    df.writeParquet(path, { compression: codec });
    const { docs, bad } = await read(path);
    assert.deepEqual(bad, []);
    assert.equal(docs.length, N);
    assert.deepEqual(docs.map((d) => d.text), texts, 'every text, in order');
    assert.deepEqual(docs[4].meta, { id: 4, category: 'blog', meta: '{"category":"blog","n":7}', tags: '["blog","z"]' });
    assert.equal(docs[4].id, `${path}#4`);
  });
}

for (const codec of ['zstd', 'lz4', 'lz4_raw', 'snappy', 'gzip', 'brotli'] as const) {
  test(`DuckDB, ${codec}, dictionary strings, BIGINT, DATE, struct and list`, async () => {
    const path = join(tmp(), `duck-${codec}.parquet`);
    await duck(`COPY (${SOURCE}) TO '${path}' (FORMAT parquet, COMPRESSION ${codec})`);
    const { docs, bad } = await read(path);
    assert.deepEqual(bad, []);
    assert.deepEqual(docs.map((d) => d.text), texts);
    assert.deepEqual(docs[2].meta, { id: 2, category: 'forum', big: 2000000014, meta: '{"lang":"de","score":0.2}', tags: '["x","y"]', day: '2024-01-03T00:00:00.000Z' });
  });
}

test('DuckDB with the v2 encodings (delta, byte-stream-split), two row groups and key-value metadata; sluice inspect reads it', async () => {
  const path = join(tmp(), 'duck-v2.parquet');
  await duck(`COPY (${SOURCE}) TO '${path}' (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION v2, ROW_GROUP_SIZE 2048, KV_METADATA {source: 'test'})`);
  const { docs, bad } = await read(path);
  assert.deepEqual(bad, []);
  assert.deepEqual(docs.map((d) => d.text), texts);
  assert.equal(docs[2999].id, `${path}#2999`, 'row numbers run across row groups');
  const r = spawnSync(process.execPath, [cliPath, 'inspect', path, '--rows', '1'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /rows: 3,000\n  columns: id \(INT_64|INTEGER\), text \(/);
  assert.match(r.stdout, /metadata source: test/);
});

test('hyparquet-writer: data pages v2 with dictionary and plain strings', async () => {
  const path = join(tmp(), 'v2.parquet');
  parquetWriteFile({ filename: path, columnData: [{ name: 'text', data: texts, type: 'STRING' }, { name: 'category', data: texts.map((_, i) => cats[i % 3]), type: 'STRING' }] });
  const { docs, bad } = await read(path);
  assert.deepEqual(bad, []);
  assert.deepEqual(docs.map((d) => d.text), texts);
  assert.equal(docs[1].meta.category, 'blog');
});

test('a Hugging Face dataset folder (data/train-0000N-of-00003.parquet, zstd) runs end to end; a corrupt file among them is skipped and counted', async () => {
  const dir = tmp();
  mkdirSync(join(dir, 'ds', 'data'), { recursive: true });
  for (let k = 0; k < 3; k++) {
    await duck(`COPY (SELECT * FROM (${SOURCE}) WHERE id % 3 = ${k}) TO '${join(dir, 'ds', 'data', `train-0000${k}-of-00003.parquet`)}' (FORMAT parquet, COMPRESSION zstd)`);
  }
  writeFileSync(join(dir, 'p.json'), JSON.stringify({ name: 'hf', input: { paths: ['ds'] }, steps: [{ stage: 'normalize' }] }));
  const ok = spawnSync(process.execPath, [cliPath, 'run', 'p.json', '--out', 'out', '--quiet'], { cwd: dir, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /01-normalize +3,000 +3,000/);
  writeFileSync(join(dir, 'ds', 'data', 'train-00003-of-00003.parquet'), readFileSync(join(dir, 'ds', 'data', 'train-00000-of-00003.parquet')).subarray(0, 4000));
  const fail = spawnSync(process.execPath, [cliPath, 'run', 'p.json', '--out', 'out2', '--quiet'], { cwd: dir, encoding: 'utf8' });
  assert.equal(fail.status, 1);
  assert.match(fail.stderr, /^sluice: ds\/data\/train-00003-of-00003\.parquet: not a readable Parquet file \(parquet file invalid \(footer != PAR1\)\); is it complete\? Re-download or rewrite it \[corrupt-parquet\]\nFix the input, or rerun with --on-bad-input skip/);
  const skip = spawnSync(process.execPath, [cliPath, 'run', 'p.json', '--out', 'out3', '--quiet', '--on-bad-input', 'skip'], { cwd: dir, encoding: 'utf8' });
  assert.equal(skip.status, 0, skip.stderr);
  assert.match(skip.stdout, /read +3,001 +3,000 .*bad input: corrupt-parquet 1/);
});

test('our document tables open in polars and DuckDB with every row and column intact', async () => {
  const path = join(tmp(), 'part-00000.parquet');
  const w = new DocTableWriter(path, false);
  for (const [i, text] of texts.entries()) await w.write({ id: `d${i}`, source: 's', text, meta: { i } });
  await w.finish(true);
  const df = pl.readParquet(path);
  assert.deepEqual(df.getColumn('text').toArray(), texts);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const rows = (await (await c.run(`SELECT count(*)::INT AS n, sum(CAST(json_extract(meta, '$.i') AS INT))::INT AS s, max(length(text))::INT AS m FROM '${path}'`)).getRowObjects())[0];
  c.closeSync();
  assert.deepEqual(rows, { n: N, s: (N * (N - 1)) / 2, m: Math.max(...texts.map((t) => t.length)) });
});

test('a row group whose pages are damaged is one bad record; the other row groups are read', async () => {
  const path = join(tmp(), 'damaged.parquet');
  await duck(`COPY (${SOURCE}) TO '${path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048)`);
  const { openParquet } = await import('../../datasets/parquetFile.js');
  const f = await openParquet(path);
  assert.equal(f.metadata.row_groups.length, 2);
  const chunk = f.metadata.row_groups[1].columns[1].meta_data!; // the text column of row group 1
  const first = Number(f.metadata.row_groups[0].num_rows);
  await f.close();
  const bytes = readFileSync(path);
  const start = Number(chunk.data_page_offset);
  for (let k = start + 40; k < start + Number(chunk.total_compressed_size) - 8; k += 3) bytes[k] ^= 0xa5;
  writeFileSync(path, bytes);
  const { docs, bad } = await read(path);
  assert.deepEqual(bad.map((b) => [b.reason, b.location]), [['corrupt-parquet', 'row group 1']]);
  assert.match(bad[0].message, /row group 1 \(\d+ rows\) cannot be decoded \(.*\); the other row groups are read/);
  assert.deepEqual(docs.map((d) => d.text), texts.slice(0, first));
});
