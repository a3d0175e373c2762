// Parquet input: one document per row, text from a configurable column, other columns into meta. Any Parquet file
// other tools write (datasets/parquetFile.ts); a row group that cannot be decoded is a bad record, the rest is read.
import { utf8Bytes, type Meta, type MetaValue, type ReadItem } from './doc.js';
import { columnsOf, openParquet, readRowGroup, type ParquetFile } from './parquetFile.js';
import type { InputFile, ReaderOptions } from './readerTypes.js';

const jsonSafe = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v);

/** A column value as a meta value: numbers, strings and booleans as they are; nested values as JSON. */
export function toMeta(v: unknown): MetaValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  return JSON.stringify(v, jsonSafe);
}

function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return undefined;
}

export async function* readParquet(file: InputFile, opts: ReaderOptions): AsyncGenerator<ReadItem> {
  const { source } = file;
  if (file.bytes === 0) {
    yield { kind: 'bad', bad: { source, location: 'file', reason: 'empty-file', message: 'the file is empty' } };
    return;
  }
  let f: ParquetFile;
  try {
    f = await openParquet(file.path);
  } catch (e) {
    const message = `not a readable Parquet file (${e instanceof Error ? e.message : String(e)}); is it complete? Re-download or rewrite it`;
    yield { kind: 'bad', bad: { source, location: 'file', reason: 'corrupt-parquet', message } };
    return;
  }
  try {
    const columns = columnsOf(f).map((c) => c.name);
    if (!columns.includes(opts.textField)) {
      const message = `no column "${opts.textField}" (columns: ${columns.join(', ')}); set input.textField`;
      yield { kind: 'bad', bad: { source, location: 'file', reason: 'missing-text-column', message } };
      return;
    }
    for (let g = 0; g < f.metadata.row_groups.length; g++) {
      let group;
      try {
        group = await readRowGroup(f, g);
      } catch (e) {
        const rows = Number(f.metadata.row_groups[g].num_rows);
        const message = `row group ${g} (${rows} rows) cannot be decoded (${e instanceof Error ? e.message : String(e)}); the other row groups are read`;
        yield { kind: 'bad', bad: { source, location: `row group ${g}`, reason: 'corrupt-parquet', message } };
        continue;
      }
      for (const [i, rec] of group.rows.entries()) {
        const row = group.firstRow + i;
        const text = textOf(rec[opts.textField]);
        if (text === undefined) {
          const v = rec[opts.textField];
          const message = `column "${opts.textField}" is ${v === null || v === undefined ? 'null' : typeof v}, expected a string`;
          yield { kind: 'bad', bad: { source, location: `row ${row}`, reason: 'missing-text-field', message } };
          continue;
        }
        if (utf8Bytes(text) > opts.maxDocBytes) {
          const message = `document of ${utf8Bytes(text)} bytes is over maxDocBytes (${opts.maxDocBytes}); raise input.maxDocBytes`;
          yield { kind: 'bad', bad: { source, location: `row ${row}`, reason: 'too-large', message } };
          continue;
        }
        const meta: Meta = {};
        for (const [k, v] of Object.entries(rec)) if (k !== opts.textField && k !== opts.idField) meta[k] = toMeta(v);
        const rawId = opts.idField ? rec[opts.idField] : undefined;
        const id = rawId === undefined || rawId === null ? `${source}#${row}` : String(rawId);
        yield { kind: 'doc', doc: { id, source, text, meta } };
      }
    }
  } finally {
    await f.close();
  }
}
