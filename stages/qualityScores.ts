// quality-scores: computes the Gopher, C4 and FineWeb statistics of each document into meta, and applies
// C4's line-level removal (which rewrites the text). It never drops on a threshold: that is the cheap
// `quality` step, so thresholds can be retuned with --from-stage quality without recomputing these.
import { z } from 'zod';
import type { Doc } from '../datasets/doc.js';
import { c4Lines } from './quality/c4.js';
import { finewebScores } from './quality/fineweb.js';
import { gopherQuality, gopherRepetition } from './quality/gopher.js';
import { countWords, forEachWord, isWord, splitWords } from './quality/words.js';
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
    maxScoreWords: z.number().int().min(1000).default(1_000_000).describe('repetition scores of a longer document come from its first this-many tokens (meta quality.scoredWords); bounds memory'),
  })
  .strict();

/** Where the first `max` tokens of `text` end, or -1 when it has no more than that. */
function prefixEnd(text: string, max: number): number {
  if (text.length <= max) return -1; // fewer characters than tokens allowed: nothing to cut
  let n = 0;
  let end = -1;
  forEachWord(text, (_t, at) => {
    if (++n < max) return true;
    end = at;
    return false;
  });
  return end === text.length ? -1 : end;
}

/** Gopher scores: the whole document, with the repetition statistics from a bounded prefix of a huge one. */
function gopherScores(text: string, maxWords: number): { scores: Record<string, number>; words?: string[] } {
  const cut = prefixEnd(text, maxWords);
  if (cut === -1) {
    const words = splitWords(text);
    return { scores: { ...gopherQuality(text, words), ...gopherRepetition(text, words) }, words };
  }
  const head = text.slice(0, cut);
  return { scores: { ...gopherQuality(text), ...gopherRepetition(head, splitWords(head)), 'quality.scoredWords': maxWords } };
}

export const qualityScores = defineStage({
  name: 'quality-scores',
  description: 'Gopher quality/repetition, C4 and FineWeb statistics into meta; C4 line-level removal. Drops nothing on thresholds.',
  kind: 'document',
  options,
  run(docs, o): StageOutput {
    const out: StageOutput = { kept: [], rejected: [], counters: {} };
    const counters = out.counters!;
    for (const doc of docs) {
      const { scores, words } = gopherScores(doc.text, o.maxScoreWords);
      const meta = { ...doc.meta, ...scores };
      let text = doc.text;
      if (o.c4Lines) {
        const c4 = c4Lines(doc.text, o);
        text = c4.text;
        for (const [rule, n] of Object.entries(c4.linesRemoved)) counters[`c4.lines-removed.${rule}`] = (counters[`c4.lines-removed.${rule}`] ?? 0) + n;
        Object.assign(meta, { 'c4.lorem': c4.lorem, 'c4.curly': c4.curly, 'c4.sentences': c4.sentences });
      }
      const cleanWords = text === doc.text && words ? words.filter(isWord).length : countWords(text);
      Object.assign(meta, finewebScores(text, cleanWords));
      const next: Doc = { ...doc, text, meta };
      if (text.trim() === '') out.rejected.push({ doc: next, reason: 'c4.no-lines-left' });
      else out.kept.push(next);
    }
    return out;
  },
});
