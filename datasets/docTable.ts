// The document table: Parquet part files holding documents (and rejected documents) between stages.
import { rename, stat } from 'node:fs/promises';
import parquet from 'parquetjs-lite';
import { basename, dirname } from 'node:path';
import { sha256File, tempPath } from './atomicFile.js';
import { UserError } from './errors.js';
import { utf8Bytes, type Doc, type Meta, type RejectedDoc } from './doc.js';
import { PARQUET_TEXT_CODEC } from './parquetCodecs.js';
import { rowCount } from './parquet.js';

const text = { type: 'UTF8', compression: PARQUET_TEXT_CODEC, statistics: false } as const;
const DOC_FIELDS = {
  id: { type: 'UTF8', statistics: false },
  source: { type: 'UTF8', statistics: false },
  text,
  meta: { ...text },
} as const;

/** Kept documents: id, source, text, meta (a JSON object of annotations). */
export const DOC_SCHEMA = new parquet.ParquetSchema(DOC_FIELDS);
/** Rejected documents add the stage, the reason, and the raw bytes of unreadable input records. */
export const REJECTED_SCHEMA = new parquet.ParquetSchema({
  ...DOC_FIELDS,
  stage: { type: 'UTF8' },
  reason: { type: 'UTF8' },
  raw: { type: 'BYTE_ARRAY', optional: true, compression: PARQUET_TEXT_CODEC, statistics: false },
});

const ROW_GROUP_ROWS = 2000;
const ROW_GROUP_BYTES = 32 << 20;

export interface WrittenFile {
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** Streams rows into a Parquet file under a temporary name; `finish()` renames it into place. */
export class DocTableWriter {
  private writer?: InstanceType<typeof parquet.ParquetWriter>;
  private rows = 0;
  private groupBytes = 0;

  constructor(
    private readonly path: string,
    private readonly rejected: boolean,
  ) {}

  private async open(): Promise<InstanceType<typeof parquet.ParquetWriter>> {
    if (!this.writer) {
      this.writer = await parquet.ParquetWriter.openFile(this.rejected ? REJECTED_SCHEMA : DOC_SCHEMA, tempPath(this.path));
      this.writer.setRowGroupSize(ROW_GROUP_ROWS);
      this.writer.setMetadata('sluice.table', this.rejected ? 'rejected-documents' : 'documents');
    }
    return this.writer;
  }

  async write(doc: Doc | RejectedDoc): Promise<void> {
    const w = await this.open();
    const size = utf8Bytes(doc.text) + (('raw' in doc && doc.raw?.length) || 0);
    // Cut row groups by size too, so a run of huge documents never buffers more than ~32 MB.
    const internal = w as unknown as { rowBuffer: { rowCount?: number } };
    if (this.groupBytes + size > ROW_GROUP_BYTES) w.setRowGroupSize((internal.rowBuffer.rowCount ?? 0) + 1);
    const row: Record<string, unknown> = { id: doc.id, source: doc.source, text: doc.text, meta: JSON.stringify(doc.meta) };
    if (this.rejected) {
      const r = doc as RejectedDoc;
      row.stage = r.stage;
      row.reason = r.reason;
      if (r.raw) row.raw = Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength);
    }
    await w.appendRow(row);
    this.rows += 1;
    this.groupBytes = (internal.rowBuffer.rowCount ?? 0) === 0 ? 0 : this.groupBytes + size;
    w.setRowGroupSize(ROW_GROUP_ROWS);
  }

  /** Closes and renames the file into place; null when nothing was written (no empty files for rejects). */
  async finish(alwaysWrite: boolean): Promise<WrittenFile | null> {
    if (!this.writer && !alwaysWrite) return null;
    const w = await this.open();
    await w.close();
    await rename(tempPath(this.path), this.path);
    const bytes = (await stat(this.path)).size;
    return { file: this.path, rows: this.rows, bytes, sha256: await sha256File(this.path) };
  }
}

function parseMeta(json: unknown): Meta {
  if (typeof json !== 'string' || json === '') return {};
  return JSON.parse(json) as Meta;
}

/** Reads the documents of a part file in order. */
export async function* readDocTable(path: string): AsyncGenerator<Doc> {
  // A part file that cannot be read names itself and the step to rerun (its folder, e.g. 03-lang-detect).
  const fail = (e: unknown, row: number): UserError =>
    new UserError(`${path}: unreadable at row ${row} (${(e as Error).message}); rerun the step that wrote it: sluice run <pipeline> --from-stage ${basename(dirname(path))}`);
  let reader;
  try {
    reader = await parquet.ParquetReader.openFile(path);
  } catch (e) {
    throw fail(e, 0);
  }
  try {
    const cursor = reader.getCursor(['id', 'source', 'text', 'meta']);
    for (let i = 0; ; i++) {
      let row;
      try {
        row = await cursor.next();
      } catch (e) {
        throw fail(e, i);
      }
      if (!row) break;
      yield { id: String(row.id), source: String(row.source), text: String(row.text ?? ''), meta: parseMeta(row.meta) };
    }
  } finally {
    await reader.close();
  }
}

/** The first `limit` rows of any Parquet file, every column (for inspect, benchmarks and tests). */
export async function readRows(path: string, limit = Infinity): Promise<Record<string, unknown>[]> {
  const reader = await parquet.ParquetReader.openFile(path);
  try {
    const cursor = reader.getCursor();
    const rows: Record<string, unknown>[] = [];
    while (rows.length < limit) {
      const row = await cursor.next();
      if (!row) break;
      rows.push(row);
    }
    return rows;
  } finally {
    await reader.close();
  }
}

/** Schema, row count and file metadata of any Parquet file, for `sluice inspect`. */
export async function describeParquet(path: string): Promise<{ columns: { name: string; type: string }[]; rows: number; metadata: Record<string, string> }> {
  const reader = await parquet.ParquetReader.openFile(path);
  try {
    const columns = reader.getSchema().fieldList.map((f) => ({ name: f.name, type: f.originalType ?? f.primitiveType }));
    return { columns, rows: rowCount(reader), metadata: reader.getMetadata() };
  } finally {
    await reader.close();
  }
}
