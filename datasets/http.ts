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

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < body.length) {
    const nl = body.indexOf('\r\n', pos);
    if (nl === -1) break;
    const size = parseInt(body.subarray(pos, nl).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size');
    if (size === 0) break;
    out.push(body.subarray(nl + 2, nl + 2 + size));
    pos = nl + 2 + size + 2;
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
