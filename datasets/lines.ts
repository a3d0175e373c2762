// Splits a byte stream into lines without copying, tracking line numbers and byte offsets.
import { HUGE_TEXT_BYTES, collectGarbage } from './memory.js';

export interface Line {
  /** 1-based line number in the file. */
  number: number;
  /** Byte offset of the line's first byte in the (decompressed) file. */
  offset: number;
  /** The line without its `\n` (and without a trailing `\r`); only the first `maxLineBytes` when `tooLong`. */
  bytes: Buffer;
  /** True when the line was longer than `maxLineBytes`; its full length is in `length`. */
  tooLong: boolean;
  length: number;
}

const NL = 0x0a;
const CR = 0x0d;

function trimCr(b: Buffer): Buffer {
  return b.length > 0 && b[b.length - 1] === CR ? b.subarray(0, b.length - 1) : b;
}

/** Yields every line of the stream; an over-long line keeps only its head so memory stays bounded. */
export async function* splitLines(
  chunks: AsyncIterable<Buffer>,
  opts: { firstLine?: number; startOffset?: number; maxLineBytes: number },
): AsyncGenerator<Line> {
  let number = opts.firstLine ?? 1;
  let offset = opts.startOffset ?? 0; // offset of the start of the pending line
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflow = 0; // bytes of the current line dropped past maxLineBytes
  const max = opts.maxLineBytes;

  const take = (piece: Buffer): void => {
    const room = max - pendingBytes;
    if (room >= piece.length) {
      pending.push(piece);
      pendingBytes += piece.length;
    } else {
      if (room > 0) {
        pending.push(Buffer.from(piece.subarray(0, room)));
        pendingBytes += room;
      }
      overflow += piece.length - Math.max(room, 0);
    }
  };
  const finish = (): Line => {
    const bytes = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    if (pendingBytes >= HUGE_TEXT_BYTES) {
      pending = [];
      collectGarbage(); // the pieces of a huge line, now copied into one buffer
    }
    const length = pendingBytes + overflow;
    const line: Line = { number, offset, bytes: overflow ? bytes : trimCr(bytes), tooLong: overflow > 0, length };
    offset += length + 1;
    number += 1;
    pending = [];
    pendingBytes = 0;
    overflow = 0;
    return line;
  };

  for await (const chunk of chunks) {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(NL, pos);
      if (nl === -1) {
        // File and gunzip streams hand out a fresh buffer per chunk (never reused): keep a view, not a copy.
        take(chunk.subarray(pos));
        break;
      }
      if (pending.length === 0 && overflow === 0 && nl - pos <= max) {
        const bytes = trimCr(chunk.subarray(pos, nl));
        yield { number, offset, bytes, tooLong: false, length: nl - pos };
        offset += nl - pos + 1;
        number += 1;
      } else {
        take(chunk.subarray(pos, nl));
        yield finish();
      }
      pos = nl + 1;
    }
  }
  if (pendingBytes > 0 || overflow > 0) yield finish();
}
