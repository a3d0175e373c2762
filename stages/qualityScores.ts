// quality-scores: computes the Gopher, C4 and FineWeb statistics of each document into meta, and applies
// C4's line-level removal (which rewrites the text). It never drops on a threshold: that is the cheap
// `quality` step, so thresholds can be retuned with --from-stage quality without recomputing these.
import { z } from 'zod';
import type { Doc } from '../datasets/doc.js';
import { c4Lines } from './quality/c4.js';
import { finewebScores } from './quality/fineweb.js';
import { gopherQuality, gopherRepetition } from './quality/gopher.js';
import { isWord, splitWords } from './quality/words.js';
import { defineStage, type StageOutput } from './stage.js';

const options = z
  .object({
    c4Lines: z.boolean().default(true).describe('apply C4 line-level removal (rules below) before the C4/FineWeb scores'),
    dropNoTerminalPunct: z.boolean().default(false).describe('C4: remove lines without terminal punctuation (off: FineWeb found it removes too much)'),
    minWordsPerLine: z.number().int().min(0).default(3).describe('C4: remove lines with fewer words'),
    maxWordLength: z.number().int().min(1).default(1000).describe('C4: remove lines with a longer word'),
    dropJavascriptLines: z.boolean().default(true).describe('C4: remove lines mentioning "javascript"'),
    dropPolicyLines: z.boolean().default(true).describe('C4: remove cookie / terms / privacy policy lines'),
    removeCitations: z.boolean().default(true).describe('C4: strip [1], [edit], [citation needed]'),
  })
  .strict();

export const qualityScores = defineStage({
  name: 'quality-scores',
  description: 'Gopher quality/repetition, C4 and FineWeb statistics into meta; C4 line-level removal. Drops nothing on thresholds.',
  kind: 'document',
  options,
  run(docs, o): StageOutput {
    const out: StageOutput = { kept: [], rejected: [], counters: {} };
    const counters = out.counters!;
    for (const doc of docs) {
      const words = splitWords(doc.text);
      const meta = { ...doc.meta, ...gopherQuality(doc.text, words), ...gopherRepetition(doc.text, words) };
      let text = doc.text;
      if (o.c4Lines) {
        const c4 = c4Lines(doc.text, o);
        text = c4.text;
        for (const [rule, n] of Object.entries(c4.linesRemoved)) counters[`c4.lines-removed.${rule}`] = (counters[`c4.lines-removed.${rule}`] ?? 0) + n;
        Object.assign(meta, { 'c4.lorem': c4.lorem, 'c4.curly': c4.curly, 'c4.sentences': c4.sentences });
      }
      const cleanWords = text === doc.text ? words : splitWords(text);
      Object.assign(meta, finewebScores(text, cleanWords.filter(isWord).length));
      const next: Doc = { ...doc, text, meta };
      if (text.trim() === '') out.rejected.push({ doc: next, reason: 'c4.no-lines-left' });
      else out.kept.push(next);
    }
    return out;
  },
});
