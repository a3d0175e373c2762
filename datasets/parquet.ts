// Parquet input (parquetjs-lite): one document per row, text from a configurable column.
import parquet from 'parquetjs-lite';
import type { Meta, MetaValue, ReadItem } from './doc.js';
import './parquetCodecs.js';
import type { InputFile, ReaderOptions } from './readerTypes.js';

/** Row count of a parquet file, whatever integer type the footer decoder returned. */
export function rowCount(reader: InstanceType<typeof parquet.ParquetReader>): number {
  const n = reader.getRowCount();
  return typeof n === 'object' ? n.toNumber() : Number(n);
}

function toMeta(v: unknown): MetaValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

export async function* readParquet(file: InputFile, opts: ReaderOptions): AsyncGenerator<ReadItem> {
  const { source } = file;
  if (file.bytes === 0) {
    yield { kind: 'bad', bad: { source, location: 'file', reason: 'empty-file', message: 'the file is empty' } };
    return;
  }
  let reader;
  try {
    reader = await parquet.ParquetReader.openFile(file.path);
  } catch (e) {
    const message = `not a readable Parquet file (${(e as Error).message}); parquetjs-lite reads PLAIN/SNAPPY/GZIP files, rewrite ZSTD or dictionary-encoded files first`;
    yield { kind: 'bad', bad: { source, location: 'file', reason: 'corrupt-parquet', message } };
    return;
  }
  try {
    const columns = reader.getSchema().fieldList.map((f) => f.name);
    if (!columns.includes(opts.textField)) {
      const message = `no column "${opts.textField}" (columns: ${columns.join(', ')}); set input.textField`;
      yield { kind: 'bad', bad: { source, location: 'file', reason: 'missing-text-column', message } };
      return;
    }
    const cursor = reader.getCursor();
    for (let row = 0; ; row++) {
      const rec = await cursor.next();
      if (!rec) break;
      const text = rec[opts.textField];
      if (typeof text !== 'string') {
        const message = `column "${opts.textField}" is ${text === null || text === undefined ? 'null' : typeof text}, expected a string`;
        yield { kind: 'bad', bad: { source, location: `row ${row}`, reason: 'missing-text-field', message } };
        continue;
      }
      if (Buffer.byteLength(text) > opts.maxDocBytes) {
        const message = `document of ${Buffer.byteLength(text)} bytes is over maxDocBytes (${opts.maxDocBytes}); raise input.maxDocBytes`;
        yield { kind: 'bad', bad: { source, location: `row ${row}`, reason: 'too-large', message } };
        continue;
      }
      const meta: Meta = {};
      for (const [k, v] of Object.entries(rec)) if (k !== opts.textField && k !== opts.idField) meta[k] = toMeta(v);
      const rawId = opts.idField ? rec[opts.idField] : undefined;
      const id = rawId === undefined || rawId === null ? `${source}#${row}` : String(rawId);
      yield { kind: 'doc', doc: { id, source, text, meta } };
    }
  } finally {
    await reader.close();
  }
}
