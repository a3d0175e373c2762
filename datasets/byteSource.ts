// Streams a file's bytes (optionally gunzipped) and turns zlib failures into messages that name the file.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export interface ByteRange {
  start: number;
  /** Exclusive. */
  end: number;
}

/** True when the file name says gzip. */
export function isGzipPath(path: string): boolean {
  return path.endsWith('.gz');
}

/** Raised when a gzip stream is cut short or corrupt; `decompressedBytes` says how far it got. */
export class GzipError extends Error {
  constructor(
    readonly source: string,
    readonly decompressedBytes: number,
    readonly reason: 'truncated-gzip' | 'corrupt-gzip',
    detail: string,
  ) {
    super(`${source}: ${reason === 'truncated-gzip' ? 'truncated gzip' : 'corrupt gzip'} after ${decompressedBytes} decompressed bytes (${detail})`);
  }
}

const CHUNK_BYTES = 1 << 20;

/** Yields the file's (decompressed) bytes in chunks. A byte range applies to plain files only. */
export async function* readBytes(path: string, source: string, range?: ByteRange): AsyncGenerator<Buffer> {
  if (!isGzipPath(path)) {
    const opts = range ? { start: range.start, end: range.end - 1, highWaterMark: CHUNK_BYTES } : { highWaterMark: CHUNK_BYTES };
    if (range && range.end <= range.start) return;
    for await (const chunk of createReadStream(path, opts)) yield chunk as Buffer;
    return;
  }
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  createReadStream(path, { highWaterMark: CHUNK_BYTES }).on('error', (e) => gunzip.destroy(e)).pipe(gunzip);
  let produced = 0;
  try {
    for await (const chunk of gunzip) {
      produced += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) {
      throw new GzipError(source, produced, 'truncated-gzip', err.message);
    }
    if (err.code?.startsWith('Z_')) throw new GzipError(source, produced, 'corrupt-gzip', err.message);
    throw e;
  }
}
