// Unicode and whitespace normalisation; drops documents that end up empty or outside the length bounds.
import { z } from 'zod';
import type { Doc } from '../datasets/doc.js';
import { HUGE_TEXT_BYTES, collectGarbage } from '../datasets/memory.js';
import { defineStage, type StageOutput } from './stage.js';

// C0 controls except tab and newline, DEL, C1 controls, and the BOM / zero-width no-break space.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFEFF]/g;
// Horizontal whitespace of any script (tab, space, no-break and ideographic spaces) at the end of a line.
const TRAILING_SPACE = /[\t\p{Zs}]+$/gmu;
const BLANK_RUNS = /\n{3,}/g;

const options = z
  .object({
    unicode: z.enum(['NFC', 'NFKC', 'none']).default('NFC').describe('Unicode normalization form'),
    stripControl: z.boolean().default(true).describe('remove control characters (keeps tab and newline)'),
    collapseBlankLines: z.boolean().default(true).describe('at most one blank line between paragraphs'),
    widthFold: z.boolean().default(false).describe('full-width ASCII (Ａ１！) to ASCII, ideographic space to a space, half-width katakana to full width (what NFKC does, without its other changes)'),
    minChars: z.number().int().min(0).default(1).describe('drop documents shorter than this (reason too-short; empty ones: empty)'),
    maxChars: z.number().int().min(0).default(0).describe('drop documents longer than this (reason too-long); 0 = no limit'),
  })
  .strict();

const ASCII = /^[\x00-\x7f]*$/;
/** Unicode normalization of a long text goes line-aligned chunk by chunk (a newline never composes with a neighbour). */
const NORMALIZE_CHUNK = 1 << 20;

function unicodeNormalize(t: string, form: 'NFC' | 'NFKC'): string {
  if (ASCII.test(t)) return t; // both forms leave ASCII as it is
  if (t.length <= NORMALIZE_CHUNK) return t.normalize(form);
  const parts: string[] = [];
  for (let at = 0; at < t.length; ) {
    let end = Math.min(t.length, at + NORMALIZE_CHUNK);
    if (end < t.length) {
      const nl = t.indexOf('\n', end);
      end = nl === -1 ? t.length : nl + 1;
    }
    parts.push(t.slice(at, end).normalize(form));
    at = end;
  }
  return parts.join('');
}

const FULL_WIDTH = /[\uff01-\uff5e\u3000\uff61-\uff9f]+/g;

/** East Asian width folding: full-width forms of ASCII and half-width katakana to their usual forms. */
export function foldWidth(text: string): string {
  return text.replace(FULL_WIDTH, (run) => {
    let out = '';
    for (const ch of run) {
      const c = ch.charCodeAt(0);
      out += c === 0x3000 ? ' ' : c <= 0xff5e ? String.fromCharCode(c - 0xfee0) : ch.normalize('NFKC');
    }
    return out.normalize('NFC'); // half-width kana with a (half-width) voicing mark compose again
  });
}

export function normalizeText(text: string, o: z.output<typeof options>): string {
  // Each pass makes a new string; for a huge document, the previous one is collected before the next is made.
  const huge = text.length >= HUGE_TEXT_BYTES;
  const pass = (t: string, next: string): string => {
    if (huge && next !== t) collectGarbage();
    return next;
  };
  let t = pass(text, text.replace(/\r\n?/g, '\n'));
  if (o.stripControl) t = pass(t, t.replace(CONTROL, ''));
  if (o.unicode !== 'none') t = pass(t, unicodeNormalize(t, o.unicode));
  if (o.widthFold) t = pass(t, foldWidth(t));
  t = pass(t, t.replace(TRAILING_SPACE, ''));
  if (o.collapseBlankLines) t = pass(t, t.replace(BLANK_RUNS, '\n\n'));
  return t.trim();
}

export const normalize = defineStage({
  name: 'normalize',
  description: 'Unicode normalization, line endings, control characters, blank lines; drops empty or out-of-bounds documents.',
  kind: 'document',
  options,
  run(docs, o): StageOutput {
    const out: StageOutput = { kept: [], rejected: [] };
    for (const doc of docs) {
      const text = normalizeText(doc.text, o);
      const next: Doc = { ...doc, text };
      if (text.length === 0) out.rejected.push({ doc: next, reason: 'empty' });
      else if (text.length < o.minChars) out.rejected.push({ doc: next, reason: 'too-short' });
      else if (o.maxChars > 0 && text.length > o.maxChars) out.rejected.push({ doc: next, reason: 'too-long' });
      else out.kept.push(next);
    }
    return out;
  },
});
