// Pull-style reads (a line, exactly N bytes) over a chunk stream, for record formats such as WARC. The stream may
// hold gaps (a corrupt gzip member): a read that reaches one throws it as a GapError, and reading can go on after it.
import type { GzipError } from './byteSource.js';

/** A read reached a gap in the stream: the bytes before it are incomplete; `skipGap()` drops them and goes on. */
export class GapError extends Error {
  constructor(readonly gap: GzipError) {
    super(gap.message);
  }
}

export class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private done = false;
  /** Absolute offset of the next unread byte. */
  offset = 0;

  constructor(private readonly chunks: AsyncIterator<Buffer | GzipError>) {}

  /** After a GapError: drops the unread bytes from before the gap; reading continues after it. */
  skipGap(): void {
    this.offset += this.buf.length - this.pos;
    this.buf = Buffer.alloc(0);
    this.pos = 0;
  }

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.chunks.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    if (!Buffer.isBuffer(next.value)) throw new GapError(next.value);
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), next.value]) : next.value;
    this.pos = 0;
    return true;
  }

  /** The next line without its line ending; null at end of stream. A line over `maxBytes` is cut and flagged. */
  async readLine(maxBytes: number): Promise<{ line: Buffer; tooLong: boolean } | null> {
    let scanned = this.pos;
    for (;;) {
      const nl = this.buf.indexOf(0x0a, scanned);
      if (nl !== -1) {
        let end = nl;
        if (end > this.pos && this.buf[end - 1] === 0x0d) end -= 1;
        const line = this.buf.subarray(this.pos, Math.min(end, this.pos + maxBytes));
        const tooLong = end - this.pos > maxBytes;
        this.offset += nl + 1 - this.pos;
        this.pos = nl + 1;
        return { line, tooLong };
      }
      if (this.buf.length - this.pos > maxBytes) {
        // Drop the over-long head so memory stays bounded; keep scanning for the newline.
        const line = Buffer.from(this.buf.subarray(this.pos, this.pos + maxBytes));
        for (;;) {
          const at = this.buf.indexOf(0x0a, this.pos);
          if (at !== -1) {
            this.offset += at + 1 - this.pos;
            this.pos = at + 1;
            return { line, tooLong: true };
          }
          this.offset += this.buf.length - this.pos;
          this.pos = this.buf.length;
          if (!(await this.fill())) return { line, tooLong: true };
        }
      }
      scanned = this.buf.length - this.pos;
      if (!(await this.fill())) {
        if (this.pos >= this.buf.length) return null;
        const line = this.buf.subarray(this.pos);
        this.offset += line.length;
        this.pos = this.buf.length;
        return { line, tooLong: false };
      }
    }
  }

  /** Exactly `n` bytes, or fewer at end of stream (the caller treats that as truncation). */
  async readExact(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      if (this.pos >= this.buf.length && !(await this.fill())) break;
      const take = Math.min(need, this.buf.length - this.pos);
      parts.push(this.buf.subarray(this.pos, this.pos + take));
      this.pos += take;
      this.offset += take;
      need -= take;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** Skips `n` bytes without keeping them; returns how many were skipped. */
  async skip(n: number): Promise<number> {
    let need = n;
    while (need > 0) {
      if (this.pos >= this.buf.length && !(await this.fill())) break;
      const take = Math.min(need, this.buf.length - this.pos);
      this.pos += take;
      this.offset += take;
      need -= take;
    }
    return n - need;
  }
}
