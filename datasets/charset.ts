// Decodes bytes to text the way a browser would: declared charset first, then UTF-8, then windows-1252.
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

/** `charset` parameter of a Content-Type header value, lower-cased. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m ? m[1].toLowerCase() : undefined;
}

/** The HTML spec's prescan, reduced: a `<meta charset>` or `http-equiv` charset within the first 1024 bytes. */
export function sniffHtmlCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1');
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([-\w:.]+)/i.exec(head);
  return m ? m[1].toLowerCase() : undefined;
}

export interface Decoded {
  text: string;
  charset: string;
  /** True when some bytes were not valid in the charset and were replaced by U+FFFD. */
  lossy: boolean;
}

// windows-1252 bytes 0x80..0x9F (Node 20's TextDecoder decodes them as C1 controls, like ISO-8859-1).
const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** WHATWG windows-1252 (also what the labels latin1, iso-8859-1 and us-ascii mean on the web). */
export function decodeWindows1252(bytes: Uint8Array): string {
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return /[\x80-\x9f]/.test(s) ? s.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]) : s;
}

function tryDecoder(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label);
  } catch {
    return undefined; // unknown label
  }
}

/** Decodes with the declared charset when known; undeclared bytes are UTF-8 when valid, else windows-1252. */
export function decodeText(bytes: Uint8Array, declared?: string): Decoded {
  const utf8 = isUtf8(bytes);
  const decoder = declared ? tryDecoder(declared) : undefined;
  if (decoder?.encoding === 'windows-1252') return { text: decodeWindows1252(bytes), charset: 'windows-1252', lossy: false };
  if (decoder && decoder.encoding !== 'utf-8') {
    return { text: decoder.decode(bytes), charset: decoder.encoding, lossy: false };
  }
  if (utf8) return { text: new TextDecoder('utf-8').decode(bytes), charset: 'utf-8', lossy: false };
  if (decoder) return { text: decoder.decode(bytes), charset: 'utf-8', lossy: true };
  return { text: decodeWindows1252(bytes), charset: 'windows-1252', lossy: false };
}
