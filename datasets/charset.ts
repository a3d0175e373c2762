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
  if (decoder && decoder.encoding !== 'utf-8') {
    return { text: decoder.decode(bytes), charset: decoder.encoding, lossy: false };
  }
  if (utf8) return { text: new TextDecoder('utf-8').decode(bytes), charset: 'utf-8', lossy: false };
  if (decoder) return { text: decoder.decode(bytes), charset: 'utf-8', lossy: true };
  return { text: new TextDecoder('windows-1252').decode(bytes), charset: 'windows-1252', lossy: false };
}
