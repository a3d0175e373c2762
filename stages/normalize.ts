// Unicode and whitespace normalisation; drops documents that end up empty or outside the length bounds.
import { z } from 'zod';
import type { Doc } from '../datasets/doc.js';
import { defineStage, type StageOutput } from './stage.js';

// C0 controls except tab and newline, DEL, C1 controls, and the BOM / zero-width no-break space.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFEFF]/g;
const TRAILING_SPACE = /[ \t]+$/gm;
const BLANK_RUNS = /\n{3,}/g;

const options = z
  .object({
    unicode: z.enum(['NFC', 'NFKC', 'none']).default('NFC').describe('Unicode normalization form'),
    stripControl: z.boolean().default(true).describe('remove control characters (keeps tab and newline)'),
    collapseBlankLines: z.boolean().default(true).describe('at most one blank line between paragraphs'),
    minChars: z.number().int().min(0).default(1).describe('drop documents shorter than this (reason too-short; empty ones: empty)'),
    maxChars: z.number().int().min(0).default(0).describe('drop documents longer than this (reason too-long); 0 = no limit'),
  })
  .strict();

export function normalizeText(text: string, o: z.output<typeof options>): string {
  let t = text.replace(/\r\n?/g, '\n');
  if (o.stripControl) t = t.replace(CONTROL, '');
  if (o.unicode !== 'none') t = t.normalize(o.unicode);
  t = t.replace(TRAILING_SPACE, '');
  if (o.collapseBlankLines) t = t.replace(BLANK_RUNS, '\n\n');
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
