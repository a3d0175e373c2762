// A gzip file read member by member (RFC 1952). A WARC.gz holds one member per record, so a corrupt member costs
// that record only: the gap is reported as an item and decompression resumes at the next member header.
import { once } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import { GzipError } from './byteSource.js';

/** A member's output is held (and dropped if its CRC fails) up to this size; a larger one is streamed. */
const HOLD_BYTES = 64 << 20;
const READ_BYTES = 256 << 10;
/** Compressed bytes read at once; a member that fits is inflated in one synchronous call (most WARC records). */
const WINDOW_BYTES = 1 << 20;
const FTEXT_MASK = 0xe0; // reserved flag bits: must be zero
const [FHCRC, FEXTRA, FNAME, FCOMMENT] = [0x02, 0x04, 0x08, 0x10];

async function readAt(fh: FileHandle, pos: number, len: number, size: number): Promise<Buffer> {
  const n = Math.max(0, Math.min(len, size - pos));
  const buf = Buffer.alloc(n);
  let done = 0;
  while (done < n) {
    const { bytesRead } = await fh.read(buf, done, n - done, pos + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}

/** A read window over the compressed file, so small members cost no read of their own. */
class Window {
  private start = 0;
  private buf: Buffer = Buffer.alloc(0);

  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  /** The bytes from `pos` to the end of the window, at least `min` of them unless the file ends first. */
  async at(pos: number, min: number): Promise<Buffer> {
    if (pos < this.start || pos + Math.min(min, this.size - pos) > this.start + this.buf.length) {
      this.start = pos;
      this.buf = await readAt(this.fh, pos, Math.max(min, WINDOW_BYTES), this.size);
    }
    return this.buf.subarray(pos - this.start);
  }
}

/** Length of the member header at the start of `b`, or why it is not one. */
function headerLength(b: Buffer): number | string {
  if (b.length < 10) return 'truncated header';
  if (b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 8) return 'no gzip header';
  const flags = b[3];
  if (flags & FTEXT_MASK) return 'reserved header flags set';
  let at = 10;
  if (flags & FEXTRA) {
    if (b.length < at + 2) return 'truncated header';
    at += 2 + b.readUInt16LE(at);
  }
  for (const f of [FNAME, FCOMMENT]) {
    if (flags & f) {
      const end = b.indexOf(0, at);
      if (end === -1) return 'truncated header';
      at = end + 1;
    }
  }
  if (flags & FHCRC) at += 2;
  return at > b.length ? 'truncated header' : at;
}

/** The offset of the next plausible member header at or after `from`, or -1. */
async function nextHeader(fh: FileHandle, from: number, size: number): Promise<number> {
  for (let pos = from; pos < size; pos += READ_BYTES - 3) {
    const b = await readAt(fh, pos, READ_BYTES, size);
    for (let i = b.indexOf(0x1f); i !== -1 && i + 3 < b.length; i = b.indexOf(0x1f, i + 1)) {
      if (b[i + 1] === 0x8b && b[i + 2] === 8 && (b[i + 3] & FTEXT_MASK) === 0) return pos + i;
    }
  }
  return -1;
}

/** Inflates the deflate stream at `start`; `state.consumed` is its compressed length once it has ended. */
async function* inflateAt(fh: FileHandle, start: number, size: number, state: { consumed: number }): AsyncGenerator<Buffer> {
  const inf = createInflateRaw({ chunkSize: READ_BYTES });
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  let finished = false;
  const feeder = (async () => {
    for (let p = start; p < size; ) {
      const chunk = await readAt(fh, p, READ_BYTES, size);
      if (finished) return;
      p += chunk.length;
      if (!inf.write(chunk)) await Promise.race([once(inf, 'drain').catch(() => undefined), stopped]);
      if (finished) return;
    }
    inf.end();
  })();
  try {
    for await (const out of inf) yield out as Buffer;
    state.consumed = inf.bytesWritten;
  } finally {
    finished = true;
    stop();
    inf.on('error', () => undefined); // a write in flight when the stream ended is aborted, harmlessly
    inf.destroy();
    await feeder;
  }
}

type Whole = { kind: 'ok'; out: Buffer; consumed: number; trailerOk: boolean } | { kind: 'corrupt'; message: string } | { kind: 'stream' };

/** Inflates a member that lies within `b` in one call; 'stream' when it does not fit (or inflates past HOLD_BYTES). */
function inflateWhole(b: Buffer, headerBytes: number, reachesEnd: boolean): Whole {
  let r: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    r = inflateRawSync(b.subarray(headerBytes), { info: true, maxOutputLength: HOLD_BYTES }) as unknown as typeof r;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const cut = err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message);
    if ((cut && !reachesEnd) || err.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) return { kind: 'stream' };
    if (cut) return { kind: 'stream' }; // the streaming path reports the truncation with its offset
    return { kind: 'corrupt', message: err.message };
  }
  const consumed = r.engine.bytesWritten;
  const trailer = b.subarray(headerBytes + consumed, headerBytes + consumed + 8);
  if (trailer.length < 8) return { kind: 'stream' };
  const trailerOk = trailer.readUInt32LE(0) === crc32(r.buffer) >>> 0 && trailer.readUInt32LE(4) === r.buffer.length >>> 0;
  return { kind: 'ok', out: r.buffer, consumed, trailerOk };
}

/**
 * The file's decompressed bytes, member after member. A member that cannot be decompressed, or whose CRC or size
 * does not match its trailer, is not emitted (unless it is larger than HOLD_BYTES and was streamed): a GzipError item
 * stands in its place, and reading resumes at the next member header. A truncated file ends with one.
 */
export async function* gzipMembers(path: string, source: string): AsyncGenerator<Buffer | GzipError> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const win = new Window(fh, size);
    let produced = 0;
    let pos = 0;
    while (pos < size) {
      const head = (await win.at(pos, 64 << 10)).subarray(0, 64 << 10);
      if (pos > 0 && head.every((b) => b === 0)) break; // zero padding after the last member
      const hl = headerLength(head);
      if (typeof hl === 'string') {
        const truncated = hl === 'truncated header' && head.length < 64 << 10;
        yield new GzipError(source, produced, truncated ? 'truncated-gzip' : 'corrupt-gzip', `${hl} at compressed byte ${pos}`);
        if (truncated) return;
        pos = await nextHeader(fh, pos + 1, size);
        if (pos === -1) return;
        continue;
      }
      // What the window already holds first; if the member runs past it, once more from a window starting here.
      let view = await win.at(pos, 64 << 10);
      let quick = inflateWhole(view, hl, pos + view.length >= size);
      if (quick.kind === 'stream' && view.length < WINDOW_BYTES && pos + view.length < size) {
        view = await win.at(pos, WINDOW_BYTES);
        quick = inflateWhole(view, hl, pos + view.length >= size);
      }
      if (quick.kind === 'ok') {
        if (quick.trailerOk) {
          produced += quick.out.length;
          yield quick.out;
        } else {
          yield new GzipError(source, produced, 'corrupt-gzip', `member at compressed byte ${pos}: CRC or length mismatch`);
        }
        pos += hl + quick.consumed + 8;
        continue;
      }
      if (quick.kind === 'corrupt') {
        yield new GzipError(source, produced, 'corrupt-gzip', `member at compressed byte ${pos}: ${quick.message}`);
        pos = await nextHeader(fh, pos + 1, size);
        if (pos === -1) return;
        continue;
      }
      const held: Buffer[] = [];
      let heldBytes = 0;
      let streamed = false;
      let crc = 0;
      let isize = 0;
      const state = { consumed: -1 };
      try {
        for await (const out of inflateAt(fh, pos + hl, size, state)) {
          crc = crc32(out, crc);
          isize = (isize + out.length) >>> 0;
          if (!streamed && heldBytes + out.length <= HOLD_BYTES) {
            held.push(out);
            heldBytes += out.length;
            continue;
          }
          if (!streamed) for (const h of held.splice(0)) yield h;
          streamed = true;
          produced += out.length;
          yield out;
        }
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const truncated = err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message);
        yield new GzipError(source, produced, truncated ? 'truncated-gzip' : 'corrupt-gzip', `member at compressed byte ${pos}: ${err.message}`);
        if (truncated) return;
        pos = await nextHeader(fh, pos + 1, size);
        if (pos === -1) return;
        continue;
      }
      const trailerAt = pos + hl + state.consumed;
      const trailer = await readAt(fh, trailerAt, 8, size);
      let problem = '';
      if (trailer.length < 8) problem = 'truncated trailer';
      else if (trailer.readUInt32LE(0) !== crc >>> 0 || trailer.readUInt32LE(4) !== isize) problem = 'CRC or length mismatch';
      if (problem) {
        yield new GzipError(source, produced, problem === 'truncated trailer' ? 'truncated-gzip' : 'corrupt-gzip', `member at compressed byte ${pos}: ${problem}`);
        if (trailer.length < 8) return;
      } else if (!streamed) {
        for (const h of held) yield h;
        produced += heldBytes;
      }
      pos = trailerAt + 8;
    }
  } finally {
    await fh.close();
  }
}
