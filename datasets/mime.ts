// MIME decoding for raw emails: headers, multipart bodies, quoted-printable/base64, charsets, RFC 2047 words.
// Entities are handled as latin1 strings (one char per byte) so byte offsets never shift before decoding.
import { charsetFromContentType, decodeText } from './charset.js';
import { parseHeaderLines } from './http.js';

export interface MimeEntity {
  headers: Map<string, string>;
  /** Body bytes as a latin1 string. */
  body: string;
}

export interface TextPart {
  html: boolean;
  text: string;
}

/** MIME parts nested deeper than this are left out (and counted): real mail nests a few levels. */
export const MAX_DEPTH = 32;

/** Splits a latin1 entity into headers and body at the first blank line. */
export function parseEntity(raw: string): MimeEntity {
  const m = /\r?\n\r?\n/.exec(raw);
  const headText = m ? raw.slice(0, m.index) : raw;
  const body = m ? raw.slice(m.index + m[0].length) : '';
  const lines = headText.split(/\r?\n/);
  if (lines[0]?.startsWith('From ')) lines.shift(); // mbox envelope line
  return { headers: parseHeaderLines(lines), body };
}

export function decodeQuotedPrintable(s: string): Buffer {
  const soft = s.replace(/=\r?\n/g, '');
  const out = Buffer.alloc(soft.length);
  let n = 0;
  for (let i = 0; i < soft.length; i++) {
    const c = soft.charCodeAt(i);
    if (c === 0x3d && i + 2 < soft.length && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      out[n++] = parseInt(soft.slice(i + 1, i + 3), 16);
      i += 2;
    } else out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}

const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Base64 as mailers write it: lines of one width (76 characters, a multiple of 4). Each line is decoded on its own,
 * so a line that lost characters garbles only itself, not everything after it; plain text after the base64 (a
 * mailing-list footer) is kept as text, not decoded as base64.
 */
export function decodeBase64Body(body: string): Buffer {
  const lines = body.split(/\r?\n/).map((l) => l.trim());
  let end = 0;
  while (end < lines.length && (lines[end] === '' || BASE64_LINE.test(lines[end]))) {
    end++;
    if (lines[end - 1].endsWith('=')) break; // padding ends the data: what follows is text
  }
  const coded = lines.slice(0, end).filter((l) => l !== '');
  const footer = lines.slice(end).join('\n').trim();
  const widths = new Map<number, number>();
  for (const l of coded.slice(0, -1)) widths.set(l.length, (widths.get(l.length) ?? 0) + 1);
  const width = [...widths].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const perLine = width > 0 && width % 4 === 0;
  const decoded = perLine ? Buffer.concat(coded.map((l) => Buffer.from(l, 'base64'))) : Buffer.from(coded.join(''), 'base64');
  return footer ? Buffer.concat([decoded, Buffer.from(`\n\n${footer}`, 'latin1')]) : decoded;
}

function transferDecode(body: string, encoding: string | undefined): Buffer {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === 'base64') return decodeBase64Body(body);
  if (enc === 'quoted-printable') return decodeQuotedPrintable(body);
  return Buffer.from(body, 'latin1');
}

/** Decodes RFC 2047 encoded words (`=?utf-8?B?...?=`) in a header value. */
export function decodeHeaderWords(value: string): string {
  const base = decodeText(Buffer.from(value, 'latin1')).text;
  return base.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=(\s+(?==\?))?/g, (_all, charset: string, kind: string, data: string) => {
    const bytes = kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQuotedPrintable(data.replace(/_/g, ' '));
    return decodeText(bytes, charset.split('*')[0].toLowerCase()).text;
  });
}

function mimeType(entity: MimeEntity): string {
  return (entity.headers.get('content-type') ?? 'text/plain').split(';')[0].trim().toLowerCase();
}

function splitMultipart(body: string, boundary: string): string[] {
  const delim = `--${boundary}`;
  const parts: string[] = [];
  let pos = body.startsWith(delim) ? 0 : body.indexOf(`\n${delim}`);
  if (pos === -1) return parts;
  if (pos > 0) pos += 1;
  for (;;) {
    const lineEnd = body.indexOf('\n', pos);
    if (body.startsWith(`${delim}--`, pos) || lineEnd === -1) break;
    const next = body.indexOf(`\n${delim}`, lineEnd);
    const end = next === -1 ? body.length : next;
    parts.push(body.slice(lineEnd + 1, end > lineEnd && body[end - 1] === '\r' ? end - 1 : end));
    if (next === -1) break;
    pos = next + 1;
  }
  return parts;
}

/** Parts left out, by reason, so that a reader can count them. */
export interface DroppedParts {
  tooDeep: number;
}

/** The readable text parts of an entity: plain text preferred among alternatives, attachments skipped. */
export function textParts(entity: MimeEntity, depth = 0, dropped: DroppedParts = { tooDeep: 0 }): TextPart[] {
  if (depth > MAX_DEPTH) {
    dropped.tooDeep++;
    return [];
  }
  let type = mimeType(entity);
  if (!entity.headers.has('content-type')) {
    // Malformed mail with MIME parts but no top-level Content-Type: recover the boundary from the body.
    const m = /^--([^\r\n]{1,200})\r?\nContent-Type:/im.exec(entity.body);
    if (m) {
      entity = { headers: new Map(entity.headers).set('content-type', `multipart/mixed; boundary="${m[1].trim()}"`), body: entity.body };
      type = 'multipart/mixed';
    }
  }
  const disposition = (entity.headers.get('content-disposition') ?? '').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(entity.headers.get('content-type') ?? '')?.slice(1).find((g) => g !== undefined);
    if (!boundary) return [{ html: false, text: decodeText(Buffer.from(entity.body, 'latin1')).text }];
    const children = splitMultipart(entity.body, boundary).map(parseEntity);
    if (type === 'multipart/alternative') {
      const plain = children.find((c) => mimeType(c) === 'text/plain');
      const html = children.find((c) => mimeType(c) === 'text/html');
      const pick = plain ?? html ?? children.find((c) => mimeType(c).startsWith('multipart/'));
      return pick ? textParts(pick, depth + 1, dropped) : [];
    }
    return children.flatMap((c) => textParts(c, depth + 1, dropped));
  }
  if (type === 'message/rfc822') return textParts(parseEntity(entity.body), depth + 1, dropped);
  if (disposition.startsWith('attachment')) return [];
  if (type !== 'text/plain' && type !== 'text/html') return [];
  const bytes = transferDecode(entity.body, entity.headers.get('content-transfer-encoding'));
  const text = decodeText(bytes, charsetFromContentType(entity.headers.get('content-type'))).text;
  return [{ html: type === 'text/html', text }];
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Joins text parts into one document: HTML when any part is HTML (plain parts wrapped in <pre>), else plain text. */
export function joinParts(parts: TextPart[]): { text: string; html: boolean } {
  const html = parts.some((p) => p.html);
  if (!html) return { text: parts.map((p) => p.text).join('\n\n'), html };
  return { text: parts.map((p) => (p.html ? p.text : `<pre>${escapeHtml(p.text)}</pre>`)).join('\n'), html };
}
