// Parses an HTTP response as stored in a WARC record: status, headers, and the decoded payload bytes.
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export interface HttpResponse {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/** Splits `Name: value` header lines (already unfolded is not required) into a lower-cased map. */
export function parseHeaderLines(lines: string[]): Map<string, string> {
  const headers = new Map<string, string>();
  let last = '';
  for (const line of lines) {
    if (/^[ \t]/.test(line) && last) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(last, headers.has(last) ? `${headers.get(last)}, ${value}` : value);
  }
  return headers;
}

/**
 * Undoes chunked transfer encoding. A body that does not start with a chunk size is taken as already decoded (some
 * crawlers keep the header after decoding); framing that breaks off later (a size past the end, a chunk not
 * followed by CRLF) is an error, never chunk headers in the text.
 */
export function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < body.length) {
    const nl = body.indexOf('\r\n', pos);
    const sizeText = (nl === -1 ? '' : body.subarray(pos, nl).toString('latin1')).split(';')[0].trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) {
      if (pos === 0) return body;
      throw new Error(`chunked encoding: no chunk size at payload byte ${pos} (${JSON.stringify(body.subarray(pos, pos + 20).toString('latin1'))})`);
    }
    const size = parseInt(sizeText, 16);
    if (size === 0) return Buffer.concat(out);
    const end = nl + 2 + size;
    if (end > body.length) throw new Error(`chunked encoding: a chunk of ${size} bytes at payload byte ${pos} runs past the end (${body.length - nl - 2} bytes left)`);
    if (body[end] !== 0x0d || body[end + 1] !== 0x0a) {
      if (end === body.length) {
        out.push(body.subarray(nl + 2, end));
        break; // the last chunk without its CRLF and terminator: cut short, but what is there is whole
      }
      throw new Error(`chunked encoding: the chunk at payload byte ${pos} is not ${size} bytes long (no CRLF after it)`);
    }
    out.push(body.subarray(nl + 2, end));
    pos = end + 2;
  }
  return Buffer.concat(out);
}

/** Throws with a short reason when the block is not an HTTP response or its payload cannot be decoded. */
export function parseHttpResponse(block: Buffer): HttpResponse {
  let split = block.indexOf('\r\n\r\n');
  let sep = 4;
  if (split === -1) {
    split = block.indexOf('\n\n');
    sep = 2;
  }
  if (split === -1) throw new Error('no end of HTTP headers');
  const head = block.subarray(0, split).toString('latin1').split(/\r?\n/);
  const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(head[0] ?? '');
  if (!m) throw new Error(`not an HTTP status line: ${JSON.stringify(head[0]?.slice(0, 40))}`);
  const headers = parseHeaderLines(head.slice(1));
  let body = block.subarray(split + sep);
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) body = dechunk(body);
  const encoding = (headers.get('content-encoding') ?? '').toLowerCase().trim();
  if (encoding === 'gzip' || encoding === 'x-gzip') body = gunzipSync(body);
  else if (encoding === 'deflate') body = inflateSync(body);
  else if (encoding === 'br') body = brotliDecompressSync(body);
  return { status: Number(m[1]), headers, body };
}
