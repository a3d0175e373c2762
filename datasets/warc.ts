// WARC / WARC.gz input: HTML and text response records become documents; URI and record id are kept. Records are
// numbered from 0 in ids and messages alike; a corrupt gzip member costs its record, the next member is read.
import { isGzipPath, readBytes } from './byteSource.js';
import { ByteReader, GapError } from './byteReader.js';
import { charsetFromContentType, decodeText, sniffHtmlCharset } from './charset.js';
import type { ReadItem } from './doc.js';
import { gzipMembers } from './gzipMembers.js';
import { parseHeaderLines, parseHttpResponse } from './http.js';
import { rawSample, type InputFile, type ReaderOptions } from './readerTypes.js';

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const HEADER_LINE_BYTES = 64 * 1024;

function mimeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export async function* readWarc(file: InputFile, opts: ReaderOptions): AsyncGenerator<ReadItem> {
  const { source } = file;
  const bytes = isGzipPath(file.path) ? gzipMembers(file.path, source) : readBytes(file.path, source);
  const reader = new ByteReader(bytes[Symbol.asyncIterator]());
  let index = 0; // the number of the record being read (or the next one, between records)
  let recordStart = 0;
  let inRecord = false;
  let seen = 0;
  const bad = (reason: string, message: string, raw?: Uint8Array): ReadItem => ({
    kind: 'bad',
    bad: { source, location: `record ${index} at byte ${recordStart}`, reason, message, raw },
  });
  let resync = false;
  for (;;) {
    try {
      recordStart = reader.offset;
      inRecord = false;
      const first = await reader.readLine(HEADER_LINE_BYTES);
      if (first === null) break;
      if (first.line.length === 0) continue;
      const version = first.line.toString('latin1');
      if (!version.startsWith('WARC/1.')) {
        if (!resync) {
          yield bad('broken-warc-record', `expected a "WARC/1.x" line, got ${JSON.stringify(version.slice(0, 40))}; skipping to the next record`, rawSample(first.line));
          index += 1;
        }
        resync = true; // report the junk once, then scan for the next record
        continue;
      }
      resync = false;
      inRecord = true;
      seen += 1;
      const item = await readRecord(reader, opts, source, index, bad);
      index += 1;
      // Without a usable length the record's end is unknown: scan for the next version line.
      if (item.kind === 'bad' && item.bad.reason === 'broken-warc-record') resync = true;
      yield item;
    } catch (e) {
      if (!(e instanceof GapError)) throw e;
      const g = e.gap;
      const detail = g.reason === 'truncated-gzip' ? 'the file ends inside it' : 'the next member is read';
      yield bad(g.reason, `${g.message}: this record is lost, ${detail}`);
      if (!inRecord) seen += 1;
      index += 1;
      reader.skipGap();
      resync = true;
    }
  }
  if (seen === 0) yield bad('empty-file', 'no WARC records in the file');
}

type BadOf = (reason: string, message: string, raw?: Uint8Array) => ReadItem;

/** One record after its version line: a document, or a bad or skipped record. */
async function readRecord(reader: ByteReader, opts: ReaderOptions, source: string, index: number, bad: BadOf): Promise<ReadItem> {
  const headerLines: string[] = [];
  for (;;) {
    const h = await reader.readLine(HEADER_LINE_BYTES);
    if (h === null || h.line.length === 0) break;
    headerLines.push(h.line.toString('latin1'));
  }
  const headers = parseHeaderLines(headerLines);
  const length = Number(headers.get('content-length'));
  if (!Number.isSafeInteger(length) || length < 0) {
    return bad('broken-warc-record', `missing or invalid Content-Length (${JSON.stringify(headers.get('content-length') ?? null)}); skipping to the next record`);
  }
  if (length > opts.maxDocBytes) {
    await reader.skip(length);
    return bad('too-large', `record of ${length} bytes is over maxDocBytes (${opts.maxDocBytes}); raise input.maxDocBytes`);
  }
  const block = await reader.readExact(length);
  if (block.length < length) return bad('truncated-warc-record', `record declares ${length} bytes but the file ends after ${block.length}`, rawSample(block));
  const type = (headers.get('warc-type') ?? '').toLowerCase();
  if (type !== 'response' && type !== 'resource') return { kind: 'skip', reason: `warc-${type || 'untyped'}` };
  let contentType = headers.get('content-type');
  let status = 200;
  let body = block;
  if (type === 'response') {
    try {
      const http = parseHttpResponse(block);
      status = http.status;
      contentType = http.headers.get('content-type') ?? headers.get('warc-identified-payload-type');
      body = http.body;
    } catch (e) {
      return bad('bad-http-response', `HTTP payload could not be read: ${(e as Error).message}`, rawSample(block));
    }
  }
  if (status < 200 || status >= 300) return { kind: 'skip', reason: 'http-status' };
  const mime = mimeOf(contentType);
  const isHtml = HTML_TYPES.has(mime);
  if (!isHtml && mime !== 'text/plain') return { kind: 'skip', reason: 'content-type' };
  const declared = charsetFromContentType(contentType) ?? (isHtml ? sniffHtmlCharset(body) : undefined);
  const decoded = decodeText(body, declared);
  return {
    kind: 'doc',
    doc: {
      id: `${source}#${index}`,
      source,
      text: decoded.text,
      meta: {
        url: headers.get('warc-target-uri') ?? null,
        warcRecordId: headers.get('warc-record-id') ?? null,
        warcDate: headers.get('warc-date') ?? null,
        contentType: isHtml ? 'text/html' : 'text/plain',
        charset: decoded.charset,
        ...(decoded.lossy ? { lossyDecode: true } : {}),
        ...(decoded.guessed ? { charsetGuessed: true } : {}),
      },
    },
  };
}
