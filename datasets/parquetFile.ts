// Reads any Parquet file (hyparquet): every codec pyarrow, polars, DuckDB, Spark and datatrove write (snappy, gzip,
// brotli, zstd, lz4, lz4_raw), dictionary/RLE/delta encodings, data pages v1 and v2, nested columns. One row group
// at a time from a file handle, only the columns asked for, so memory is about one row group of those columns.
import { open } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer, type Compressors, type FileMetaData } from 'hyparquet';
import { compressors as jsCompressors } from 'hyparquet-compressors';
import { ZSTDDecoder } from 'zstddec';

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

let zstd: ZSTDDecoder | undefined;

/** Native zlib for gzip and brotli (5x hyparquet's JS brotli), wasm zstd (3x fzstd), hyparquet's snappy and LZ4. */
async function codecs(): Promise<Compressors> {
  if (!zstd) {
    const d = new ZSTDDecoder();
    await d.init();
    zstd = d;
  }
  const z = zstd;
  return {
    ...jsCompressors,
    GZIP: (input) => u8(gunzipSync(input)),
    BROTLI: (input) => u8(brotliDecompressSync(input)),
    ZSTD: (input, outputLength) => z.decode(input, outputLength),
  };
}

/** An open Parquet file: its footer and positioned reads from one file handle. */
export interface ParquetFile {
  path: string;
  metadata: FileMetaData;
  buffer: AsyncBuffer;
  close: () => Promise<void>;
}

export async function openParquet(path: string): Promise<ParquetFile> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const buffer: AsyncBuffer = {
      byteLength: size,
      async slice(start: number, end: number = size): Promise<ArrayBuffer> {
        const length = Math.max(0, Math.min(end, size) - start);
        const buf = new Uint8Array(length);
        for (let done = 0; done < length; ) {
          const { bytesRead } = await fh.read(buf, done, length - done, start + done);
          if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${start + done}`);
          done += bytesRead;
        }
        return buf.buffer;
      },
    };
    const metadata = await parquetMetadataAsync(buffer);
    return { path, metadata, buffer, close: () => fh.close() };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

export interface ParquetColumn {
  name: string;
  /** Logical type when there is one (STRING, INTEGER, ...), else the converted or physical type; GROUP for nested. */
  type: string;
}

export function columnsOf(f: ParquetFile): ParquetColumn[] {
  return parquetSchema(f.metadata).children.map((c) => {
    const e = c.element;
    const logical = e.logical_type?.type;
    return { name: e.name, type: logical ?? e.converted_type ?? e.type ?? 'GROUP' };
  });
}

export function rowCountOf(f: ParquetFile): number {
  return Number(f.metadata.num_rows);
}

export function keyValueOf(f: ParquetFile): Record<string, string> {
  return Object.fromEntries((f.metadata.key_value_metadata ?? []).map((kv) => [kv.key, kv.value ?? '']));
}

export interface RowGroupRows {
  /** Index of the row group and its first row in the file. */
  group: number;
  firstRow: number;
  rows: Record<string, unknown>[];
}

/** The rows of one row group, with only `columns` (all when omitted). */
export async function readRowGroup(f: ParquetFile, group: number, columns?: string[]): Promise<RowGroupRows> {
  let firstRow = 0;
  for (let g = 0; g < group; g++) firstRow += Number(f.metadata.row_groups[g].num_rows);
  const rowEnd = firstRow + Number(f.metadata.row_groups[group].num_rows);
  // utf8: false keeps binary columns without a string annotation as bytes (text columns are annotated).
  const rows = (await parquetReadObjects({ file: f.buffer, metadata: f.metadata, compressors: await codecs(), columns, rowStart: firstRow, rowEnd, utf8: false })) as Record<string, unknown>[];
  return { group, firstRow, rows };
}

/** Every row group in order. */
export async function* readRowGroups(f: ParquetFile, columns?: string[]): AsyncGenerator<RowGroupRows> {
  for (let g = 0; g < f.metadata.row_groups.length; g++) yield await readRowGroup(f, g, columns);
}
