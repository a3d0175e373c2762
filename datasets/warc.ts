// WARC / WARC.gz input: HTML and text response records become documents; URI and record id are kept.
import { GzipError, readBytes } from './byteSource.js';
import { ByteReader } from './byteReader.js';
import { charsetFromContentType, decodeText, sniffHtmlCharset } from './charset.js';
import type { ReadItem } from './doc.js';
import { parseHeaderLines, parseHttpResponse } from './http.js';
import { rawSample, type InputFile, type ReaderOptions } from './readerTypes.js';

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const HEADER_LINE_BYTES = 64 * 1024;

function mimeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export async function* readWarc(file: InputFile, opts: ReaderOptions): AsyncGenerator<ReadItem> {
  const { source } = file;
  const reader = new ByteReader(readBytes(file.path, source)[Symbol.asyncIterator]());
  let index = 0;
  let recordStart = 0;
  const bad = (reason: string, message: string, raw?: Uint8Array): ReadItem => ({
    kind: 'bad',
    bad: { source, location: `record ${index} at byte ${recordStart}`, reason, message, raw },
  });
  try {
    let resync = false;
    for (;;) {
      recordStart = reader.offset;
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
      const headerLines: string[] = [];
      for (;;) {
        const h = await reader.readLine(HEADER_LINE_BYTES);
        if (h === null || h.line.length === 0) break;
        headerLines.push(h.line.toString('latin1'));
      }
      const headers = parseHeaderLines(headerLines);
      const length = Number(headers.get('content-length'));
      const thisIndex = index;
      index += 1;
      if (!Number.isSafeInteger(length) || length < 0) {
        yield bad('broken-warc-record', `missing or invalid Content-Length (${JSON.stringify(headers.get('content-length') ?? null)})`);
        resync = true;
        continue;
      }
      if (length > opts.maxDocBytes) {
        await reader.skip(length);
        yield bad('too-large', `record of ${length} bytes is over maxDocBytes (${opts.maxDocBytes}); raise input.maxDocBytes`);
        continue;
      }
      const block = await reader.readExact(length);
      if (block.length < length) {
        yield bad('truncated-warc-record', `record declares ${length} bytes but the file ends after ${block.length}`, rawSample(block));
        break;
      }
      const type = (headers.get('warc-type') ?? '').toLowerCase();
      if (type !== 'response' && type !== 'resource') {
        yield { kind: 'skip', reason: `warc-${type || 'untyped'}` };
        continue;
      }
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
          yield bad('bad-http-response', `HTTP payload could not be read: ${(e as Error).message}`, rawSample(block));
          continue;
        }
      }
      if (status < 200 || status >= 300) {
        yield { kind: 'skip', reason: 'http-status' };
        continue;
      }
      const mime = mimeOf(contentType);
      const isHtml = HTML_TYPES.has(mime);
      if (!isHtml && mime !== 'text/plain') {
        yield { kind: 'skip', reason: 'content-type' };
        continue;
      }
      const declared = charsetFromContentType(contentType) ?? (isHtml ? sniffHtmlCharset(body) : undefined);
      const decoded = decodeText(body, declared);
      const url = headers.get('warc-target-uri') ?? null;
      yield {
        kind: 'doc',
        doc: {
          id: `${source}#${thisIndex}`,
          source,
          text: decoded.text,
          meta: {
            url,
            warcRecordId: headers.get('warc-record-id') ?? null,
            warcDate: headers.get('warc-date') ?? null,
            contentType: isHtml ? 'text/html' : 'text/plain',
            charset: decoded.charset,
            ...(decoded.lossy ? { lossyDecode: true } : {}),
          },
        },
      };
    }
  } catch (e) {
    if (e instanceof GzipError) {
      yield bad(e.reason, `${e.message}; the records before it were read`);
      return;
    }
    throw e;
  }
  if (index === 0) yield bad('empty-file', 'no WARC records in the file');
}
