// Decodes bytes to text the way a browser would: declared charset first, then UTF-8, then a charset guessed from
// the bytes' statistics (GBK, Big5, Shift_JIS, EUC-KR, windows-1251...; chardet), flagged as a guess.
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import chardet from 'chardet';

/** `charset` parameter of a Content-Type header value, lower-cased. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m ? m[1].toLowerCase() : undefined;
}

/** How far the `<meta charset>` prescan looks: the HTML spec says 1,024 bytes; real pages put long heads first. */
const SNIFF_BYTES = 4096;

/** The HTML spec's prescan, reduced: a `<meta charset>` or `http-equiv` charset within the first SNIFF_BYTES bytes. */
export function sniffHtmlCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, SNIFF_BYTES)).toString('latin1');
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([-\w:.]+)/i.exec(head);
  return m ? m[1].toLowerCase() : undefined;
}

export interface Decoded {
  text: string;
  charset: string;
  /** True when some bytes were not valid in the charset and were replaced by U+FFFD. */
  lossy: boolean;
  /** True when no charset was declared and the bytes were not UTF-8: the charset is a guess from byte statistics. */
  guessed: boolean;
}

/** How much of a document the charset guess looks at. */
const GUESS_SAMPLE_BYTES = 64 << 10;
/** Multi-byte encodings are recognised by their structure (confident); single-byte ones by letter statistics. */
const MIN_CONFIDENCE = { multiByte: 50, singleByte: 30 };
/** Fewer non-ASCII bytes than this gives the statistics nothing to go on. */
const MIN_HIGH_BYTES = { count: 16, share: 0.02 };
const MULTI_BYTE = new Set(['gb18030', 'big5', 'shift_jis', 'euc-jp', 'euc-kr', 'iso-2022-jp', 'iso-2022-kr', 'iso-2022-cn']);

/** The charset of undeclared, non-UTF-8 bytes, by chardet's statistics; windows-1252 when nothing is confident. */
export function guessCharset(bytes: Uint8Array): string {
  const sample = bytes.length > GUESS_SAMPLE_BYTES ? bytes.subarray(0, GUESS_SAMPLE_BYTES) : bytes;
  let high = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] >= 0x80) high++;
  // Mostly-ASCII text with a few high bytes (a curly quote, an accent) is far likelier Western than anything else.
  if (high < MIN_HIGH_BYTES.count || high < sample.length * MIN_HIGH_BYTES.share) return 'windows-1252';
  for (const m of chardet.analyse(sample)) {
    const label = m.name.toLowerCase();
    if (label === 'utf-8' || label.startsWith('utf-16') || label.startsWith('utf-32')) continue;
    const min = MULTI_BYTE.has(label) ? MIN_CONFIDENCE.multiByte : MIN_CONFIDENCE.singleByte;
    if (m.confidence < min) break;
    const d = tryDecoder(label);
    if (d) return d.encoding;
  }
  return 'windows-1252';
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

function decodeAs(bytes: Uint8Array, d: TextDecoder, guessed: boolean): Decoded {
  if (d.encoding === 'windows-1252') return { text: decodeWindows1252(bytes), charset: 'windows-1252', lossy: false, guessed };
  const text = d.decode(bytes);
  return { text, charset: d.encoding, lossy: text.includes('\ufffd'), guessed };
}

/** Decodes with the declared charset when known; undeclared bytes are UTF-8 when valid, else a guessed charset. */
export function decodeText(bytes: Uint8Array, declared?: string): Decoded {
  const decoder = declared ? tryDecoder(declared) : undefined;
  if (decoder && decoder.encoding !== 'utf-8') return decodeAs(bytes, decoder, false);
  if (isUtf8(bytes)) return { text: new TextDecoder('utf-8').decode(bytes), charset: 'utf-8', lossy: false, guessed: false };
  if (decoder) return { text: decoder.decode(bytes), charset: 'utf-8', lossy: true, guessed: false };
  return decodeAs(bytes, new TextDecoder(guessCharset(bytes)), true);
}
