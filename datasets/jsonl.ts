// JSON Lines (optionally gzipped): one document per line, text and id from configurable fields.
import { isUtf8 } from 'node:buffer';
import { GzipError, readBytes } from './byteSource.js';
import type { Meta, MetaValue, ReadItem } from './doc.js';
import { splitLines, type Line } from './lines.js';
import { HUGE_TEXT_BYTES, collectGarbage } from './memory.js';
import { preview, rawSample, type InputFile, type ReaderOptions } from './readerTypes.js';

function toMeta(value: unknown): MetaValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

export async function* readJsonl(file: InputFile, opts: ReaderOptions): AsyncGenerator<ReadItem> {
  const { source } = file;
  const chunks = readBytes(file.path, source, file.range);
  const lines = splitLines(chunks, {
    firstLine: file.range?.firstLine ?? 1,
    startOffset: file.range?.start ?? 0,
    maxLineBytes: opts.maxDocBytes,
  });
  let lastLine = (file.range?.firstLine ?? 1) - 1;
  let sawLine = false;
  try {
    for await (const line of lines) {
      lastLine = line.number;
      sawLine = true;
      const where = `line ${line.number}`;
      const bad = (reason: string, message: string): ReadItem => ({
        kind: 'bad',
        bad: { source, location: where, reason, message, raw: rawSample(line.bytes) },
      });
      if (line.tooLong) {
        yield bad('too-large', `record of ${line.length} bytes is over maxDocBytes (${opts.maxDocBytes}); raise input.maxDocBytes to read it`);
        continue;
      }
      // A UTF-8 byte order mark at the start of the file (as some editors and Windows tools write) is not data.
      if (line.number === 1 && line.offset === 0 && line.bytes[0] === 0xef && line.bytes[1] === 0xbb && line.bytes[2] === 0xbf) line.bytes = line.bytes.subarray(3);
      if (line.bytes.length === 0 || (line.bytes.length < 64 && line.bytes.toString('latin1').trim() === '')) continue;
      if (!isUtf8(line.bytes)) {
        yield bad('invalid-utf8', `invalid UTF-8 at byte ${firstInvalidUtf8(line.bytes)} of the line`);
        continue;
      }
      const huge = line.bytes.length >= HUGE_TEXT_BYTES;
      const parsed = parseLine(line);
      if (huge) collectGarbage(); // the line's bytes and JSON text are dead now
      if (parsed.error !== undefined) {
        yield bad('invalid-json', `malformed JSON (${parsed.error}): ${preview(line.bytes)}`);
        continue;
      }
      const record = parsed.value;
      if (record === null || typeof record !== 'object' || Array.isArray(record)) {
        yield bad('not-an-object', `expected a JSON object, got ${preview(line.bytes)}`);
        continue;
      }
      const obj = record as Record<string, unknown>;
      const text = obj[opts.textField];
      if (typeof text !== 'string') {
        const keys = Object.keys(obj).slice(0, 10).join(', ');
        yield bad('missing-text-field', `no string field "${opts.textField}" (fields: ${keys}); set input.textField`);
        continue;
      }
      const meta: Meta = {};
      for (const [k, v] of Object.entries(obj)) if (k !== opts.textField && k !== opts.idField) meta[k] = toMeta(v);
      const rawId = opts.idField ? obj[opts.idField] : undefined;
      const id = rawId === undefined || rawId === null ? `${source}:${line.number}` : String(rawId);
      yield { kind: 'doc', doc: { id, source, text, meta } };
    }
  } catch (e) {
    if (e instanceof GzipError) {
      yield {
        kind: 'bad',
        bad: { source, location: `line ${lastLine + 1}`, reason: e.reason, message: `${e.message}; the lines before it were read` },
      };
      return;
    }
    throw e;
  }
  if (!sawLine && !file.range) {
    yield { kind: 'bad', bad: { source, location: 'line 1', reason: 'empty-file', message: 'the file is empty' } };
  }
}

/** Parses a line; a huge line's bytes and JSON text are let go before the document moves on (only its head is kept). */
function parseLine(line: Line): { value?: unknown; error?: string } {
  const json = line.bytes.toString('utf8');
  if (line.bytes.length > 1 << 20) line.bytes = Buffer.from(line.bytes.subarray(0, 1 << 20));
  try {
    return { value: JSON.parse(json) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Byte index of the first invalid UTF-8 sequence, for the error message. */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= b.length) return i;
    for (let k = 1; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return i;
}
