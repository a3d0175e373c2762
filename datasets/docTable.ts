// The document table: Parquet part files holding documents (and rejected documents) between stages. Written with
// hyparquet-writer (row groups of at most ROW_GROUP_ROWS rows or ROW_GROUP_BYTES of text, Brotli through native
// zlib, streamed to a temporary file), read with hyparquet; pyarrow, polars and DuckDB read them too (a test).
import { rename, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
/** The writer's own schema type (it pins its own hyparquet). */
type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];
import { ParquetWriter } from 'hyparquet-writer';
import { sha256File, tempPath, writingTo } from './atomicFile.js';
import { UserError } from './errors.js';
import { utf8Bytes, type Doc, type Meta, type RejectedDoc } from './doc.js';
import { FileWriter } from './fileWriter.js';
import { columnsOf, keyValueOf, openParquet, readRowGroup, readRowGroups, rowCountOf, type ParquetColumn, type ParquetFile } from './parquetFile.js';

const ROW_GROUP_ROWS = 2000;
/** A row group is cut once its text reaches this, so a run of huge documents never buffers more than ~32 MB. */
const ROW_GROUP_BYTES = 32 << 20;
const BROTLI_QUALITY = 1;

const text = (name: string): SchemaElement => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' });
const DOC_COLUMNS = ['id', 'source', 'text', 'meta'] as const;
const REJECTED_COLUMNS = [...DOC_COLUMNS, 'stage', 'reason'] as const;

/** Kept documents: id, source, text, meta (a JSON object of annotations). */
const DOC_SCHEMA: SchemaElement[] = [{ name: 'root', num_children: DOC_COLUMNS.length }, ...DOC_COLUMNS.map(text)];
/** Rejected documents add the stage, the reason, and the raw bytes of unreadable input records. */
const REJECTED_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: REJECTED_COLUMNS.length + 1 },
  ...REJECTED_COLUMNS.map(text),
  { name: 'raw', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
];
/** Short repeated values (file names, stage names, reasons) pay for a dictionary; texts and ids do not. */
const PLAIN = new Set(['id', 'text', 'meta', 'raw']);

const compressors = {
  // Quality 1 compresses text better than snappy at about its speed; every Parquet reader has Brotli.
  BROTLI: (input: Uint8Array): Uint8Array =>
    brotliCompressSync(input, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: input.length } }),
};

export interface WrittenFile {
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** Streams rows into a Parquet file under a temporary name; `finish()` renames it into place. */
export class DocTableWriter {
  private out?: { file: FileWriter; parquet: ParquetWriter };
  private rows = 0;
  private group: Record<string, unknown[]> = {};
  private groupRows = 0;
  private groupBytes = 0;

  constructor(
    private readonly path: string,
    private readonly rejected: boolean,
  ) {}

  private columns(): readonly string[] {
    return this.rejected ? [...REJECTED_COLUMNS, 'raw'] : DOC_COLUMNS;
  }

  private async open(): Promise<{ file: FileWriter; parquet: ParquetWriter }> {
    if (!this.out) {
      const file = await writingTo(this.path, () => FileWriter.open(tempPath(this.path)));
      const kvMetadata = [{ key: 'sluice.table', value: this.rejected ? 'rejected-documents' : 'documents' }];
      const parquet = new ParquetWriter({ writer: file, schema: this.rejected ? REJECTED_SCHEMA : DOC_SCHEMA, codec: 'BROTLI', compressors, statistics: false, kvMetadata, createdBy: 'sluice' });
      this.out = { file, parquet };
      this.group = Object.fromEntries(this.columns().map((c) => [c, []]));
    }
    return this.out;
  }

  async write(doc: Doc | RejectedDoc): Promise<void> {
    await this.open();
    const size = utf8Bytes(doc.text) + (('raw' in doc && doc.raw?.length) || 0);
    if (this.groupRows > 0 && this.groupBytes + size > ROW_GROUP_BYTES) await this.flushGroup();
    const g = this.group;
    g.id.push(doc.id);
    g.source.push(doc.source);
    g.text.push(doc.text);
    g.meta.push(JSON.stringify(doc.meta));
    if (this.rejected) {
      const r = doc as RejectedDoc;
      g.stage.push(r.stage);
      g.reason.push(r.reason);
      g.raw.push(r.raw ? new Uint8Array(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength) : null);
    }
    this.rows += 1;
    this.groupRows += 1;
    this.groupBytes += size;
    if (this.groupRows >= ROW_GROUP_ROWS || this.groupBytes >= ROW_GROUP_BYTES) await this.flushGroup();
  }

  private async flushGroup(): Promise<void> {
    if (this.groupRows === 0) return;
    const { parquet, file } = await this.open();
    const columnData = this.columns().map((name) => ({ name, data: this.group[name], offsetIndex: false, ...(PLAIN.has(name) ? { encoding: 'PLAIN' as const } : {}) }));
    const n = this.groupRows;
    this.group = Object.fromEntries(this.columns().map((c) => [c, []]));
    this.groupRows = 0;
    this.groupBytes = 0;
    await writingTo(this.path, async () => {
      await parquet.write({ columnData, rowGroupSize: n });
      await file.flushed();
    });
  }

  /** Closes and renames the file into place; null when nothing was written (no empty files for rejects). */
  async finish(alwaysWrite: boolean): Promise<WrittenFile | null> {
    if (!this.out && !alwaysWrite) return null;
    const { parquet, file } = await this.open();
    await this.flushGroup();
    await writingTo(this.path, async () => {
      await parquet.finish();
      await file.close();
      await rename(tempPath(this.path), this.path);
    });
    const bytes = (await stat(this.path)).size;
    return { file: this.path, rows: this.rows, bytes, sha256: await sha256File(this.path) };
  }
}

function parseMeta(json: unknown): Meta {
  if (typeof json !== 'string' || json === '') return {};
  return JSON.parse(json) as Meta;
}

/** Reads the documents of a part file in order, one row group at a time. */
export async function* readDocTable(path: string): AsyncGenerator<Doc> {
  // A part file that cannot be read names itself and the step to rerun (the stage of its folder).
  const fail = (e: unknown, row: number): UserError =>
    new UserError(`${path}: unreadable at row ${row} (${e instanceof Error ? e.message : String(e)}); rerun the step that wrote it: sluice run <pipeline> --from-stage ${basename(dirname(path)).replace(/^\d+-/, '')}`);
  let f: ParquetFile;
  try {
    f = await openParquet(path);
  } catch (e) {
    throw fail(e, 0);
  }
  try {
    let row = 0;
    for (let g = 0; g < f.metadata.row_groups.length; g++) {
      let group;
      try {
        group = await readRowGroup(f, g, ['id', 'source', 'text', 'meta']);
      } catch (e) {
        throw fail(e, row);
      }
      for (const r of group.rows) {
        row++;
        yield { id: String(r.id), source: String(r.source), text: String(r.text ?? ''), meta: parseMeta(r.meta) };
      }
    }
  } finally {
    await f.close();
  }
}

/** The id column of a part file, in order (the other columns are not read). */
export async function* readIds(path: string): AsyncGenerator<string> {
  const f = await openParquet(path);
  try {
    for await (const g of readRowGroups(f, ['id'])) for (const r of g.rows) yield String(r.id);
  } finally {
    await f.close();
  }
}

/** Binary columns as Buffers (what callers print and compare). */
function withBuffers(row: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(row)) if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return row;
}

/** The first `limit` rows of any Parquet file, every column (for inspect, benchmarks and tests). */
export async function readRows(path: string, limit = Infinity): Promise<Record<string, unknown>[]> {
  const f = await openParquet(path);
  try {
    const rows: Record<string, unknown>[] = [];
    for await (const group of readRowGroups(f)) {
      for (const r of group.rows) {
        if (rows.length >= limit) return rows;
        rows.push(withBuffers(r));
      }
    }
    return rows;
  } finally {
    await f.close();
  }
}

/** Schema, row count and file metadata of any Parquet file, for `sluice inspect`. */
export async function describeParquet(path: string): Promise<{ columns: ParquetColumn[]; rows: number; metadata: Record<string, string> }> {
  const f = await openParquet(path);
  try {
    return { columns: columnsOf(f), rows: rowCountOf(f), metadata: keyValueOf(f) };
  } finally {
    await f.close();
  }
}
