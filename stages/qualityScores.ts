// quality-scores: computes the Gopher, C4 and FineWeb statistics of each document into meta, and applies
// C4's line-level removal (which rewrites the text). It never drops on a threshold: that is the cheap
// `quality` step, so thresholds can be retuned with --from-stage quality without recomputing these.
// Words are the document's language's (meta.lang from lang-detect: a segmenter for Chinese, Japanese, Thai...),
// stop words its FineWeb-2 list, and C4's line removal applies to English only, as in FineWeb-2.
import { z } from 'zod';
import type { Doc } from '../datasets/doc.js';
import { c4Lines } from './quality/c4.js';
import { finewebScores } from './quality/fineweb.js';
import { gopherQuality, gopherRepetition, type StopWordTest } from './quality/gopher.js';
import { stopWordsOf } from './quality/languageConfig.js';
import { forEachWord, isWord } from './quality/words.js';
import { baseLang, languageOf } from './lang/languages.js';
import { forEachWordOf, words as wordsOf } from './lang/words.js';
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
    c4LinesFor: z.enum(['english', 'all']).default('english').describe('C4 line removal for English (and documents without a language) only, as FineWeb-2, or for every language'),
    maxScoreWords: z.number().int().min(1000).default(1_000_000).describe('repetition scores of a longer document come from its first this-many tokens (meta quality.scoredWords); bounds memory'),
  })
  .strict();

/** Where the first `max` tokens of `text` end, or -1 when it has no more than that. */
function prefixEnd(text: string, max: number, lang: string | undefined): number {
  if (text.length <= max) return -1; // fewer characters than tokens allowed: nothing to cut
  if (languageOf(lang)?.spaceless) {
    // Segmented languages: about two characters a word (UDHR zh/ja/th: 1.6-2.4); cut at the end of a line.
    if (text.length <= 2 * max) return -1;
    const nl = text.indexOf('\n', 2 * max);
    return nl === -1 ? -1 : nl;
  }
  let n = 0;
  let end = -1;
  forEachWord(text, (_t, at) => {
    if (++n < max) return true;
    end = at;
    return false;
  });
  return end === text.length ? -1 : end;
}

/** The stop-word test of a language: its FineWeb-2 list; Korean's are morphemes (Kiwi), matched as word endings. */
function stopTest(lang: string | undefined): StopWordTest {
  const stop = stopWordsOf(lang);
  if (!stop) return () => false;
  if (lang && baseLang(lang) === 'ko') {
    const list = [...stop];
    return (w) => list.some((s) => w.endsWith(s));
  }
  return (w) => stop.has(w);
}

/** Gopher scores: the whole document, with the repetition statistics from a bounded prefix of a huge one. */
function gopherScores(text: string, maxWords: number, lang: string | undefined): { scores: Record<string, number>; words?: string[] } {
  const isStop = stopTest(lang);
  const cut = prefixEnd(text, maxWords, lang);
  if (cut === -1) {
    const words = wordsOf(text, lang);
    return { scores: { ...gopherQuality(text, words, isStop), ...gopherRepetition(text, words) }, words };
  }
  const head = text.slice(0, cut);
  const each = (x: string, visit: (t: string) => void) => forEachWordOf(x, lang, visit);
  return { scores: { ...gopherQuality(text, undefined, isStop, each), ...gopherRepetition(head, wordsOf(head, lang)), 'quality.scoredWords': maxWords } };
}

function countWordsOf(text: string, lang: string | undefined): number {
  let n = 0;
  forEachWordOf(text, lang, (t) => void (isWord(t) && n++));
  return n;
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
      const lang = typeof doc.meta.lang === 'string' && doc.meta.lang !== 'und' ? doc.meta.lang : undefined;
      const { scores, words } = gopherScores(doc.text, o.maxScoreWords, lang);
      const meta = { ...doc.meta, ...scores };
      let text = doc.text;
      if (o.c4Lines && (o.c4LinesFor === 'all' || !lang || baseLang(lang) === 'en')) {
        const c4 = c4Lines(doc.text, o);
        text = c4.text;
        for (const [rule, n] of Object.entries(c4.linesRemoved)) counters[`c4.lines-removed.${rule}`] = (counters[`c4.lines-removed.${rule}`] ?? 0) + n;
        Object.assign(meta, { 'c4.lorem': c4.lorem, 'c4.curly': c4.curly, 'c4.sentences': c4.sentences });
      }
      const cleanWords = text === doc.text && words ? words.filter(isWord).length : countWordsOf(text, lang);
      Object.assign(meta, finewebScores(text, cleanWords, !lang || baseLang(lang) === 'en' ? 'fineweb' : 'terminal'));
      const next: Doc = { ...doc, text, meta };
      if (text.trim() === '') out.rejected.push({ doc: next, reason: 'c4.no-lines-left' });
      else out.kept.push(next);
    }
    return out;
  },
});
