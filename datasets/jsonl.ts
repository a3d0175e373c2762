// JSON Lines (optionally gzipped): one document per line, text and id from configurable fields.
import { isUtf8 } from 'node:buffer';
import { GzipError, readBytes } from './byteSource.js';
import type { Meta, MetaValue, ReadItem } from './doc.js';
import { splitLines } from './lines.js';
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
      if (line.bytes.length === 0 || (line.bytes.length < 64 && line.bytes.toString('latin1').trim() === '')) continue;
      if (!isUtf8(line.bytes)) {
        yield bad('invalid-utf8', `invalid UTF-8 at byte ${firstInvalidUtf8(line.bytes)} of the line`);
        continue;
      }
      let record: unknown;
      try {
        record = JSON.parse(line.bytes.toString('utf8'));
      } catch (e) {
        yield bad('invalid-json', `malformed JSON (${(e as Error).message}): ${preview(line.bytes)}`);
        continue;
      }
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
