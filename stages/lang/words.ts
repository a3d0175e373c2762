// One definition of a word for every stage that counts words (quality scores and thresholds, dedup shingles,
// stats): languages written without spaces are segmented (jieba for Simplified Chinese, as FineWeb-2; ICU's
// dictionaries through Intl.Segmenter for Traditional Chinese, Japanese, Thai, Lao, Khmer, Burmese); every other
// language splits on spaces and punctuation (words keep inner apostrophes, hyphens and dots; punctuation marks
// are tokens of their own).
import { createRequire } from 'node:module';
import { forEachWord as forEachSpacedWord } from '../quality/words.js';
import { baseLang, languageOf } from './languages.js';

type Cut = (text: string) => string[];

/** jieba (@node-rs/jieba), loaded once per thread; undefined where its native binding cannot load. */
let jieba: Cut | null | undefined = null;
function chineseCutter(): Cut | undefined {
  if (jieba === null) {
    try {
      const require = createRequire(import.meta.url);
      const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): { cut(t: string, hmm?: boolean): string[] } } };
      const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
      const j = Jieba.withDict(dict);
      jieba = (t) => j.cut(t, true); // HMM on for unknown words, as jieba.cut's default that spaCy (FineWeb-2) calls
    } catch {
      jieba = undefined; // ICU's Chinese dictionary is the fallback (94-98% of jieba's word boundaries on UDHR)
    }
  }
  return jieba;
}

const segmenters = new Map<string, Intl.Segmenter>();
/** ICU copies the whole input into every segment it returns: text goes through it in short pieces. */
const ICU_CHUNK = 512;
/** jieba returns one array per call: a huge document goes through in pieces of this size. */
const JIEBA_CHUNK = 1 << 16;
const BREAK = /[\s\p{P}]/u;

/** `text` in pieces of about `size`, each cut at a space or punctuation mark near its end so no word is split. */
function* pieces(text: string, size: number): Generator<string> {
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + size);
    if (end < text.length) {
      let k = end;
      while (k > end - 64 && k > at && !BREAK.test(text[k])) k--;
      if (k > at && k > end - 64) end = k;
    }
    yield text.slice(at, end);
    at = end;
  }
}

function* icuSegments(text: string, lang: string): Generator<string> {
  let seg = segmenters.get(lang);
  if (!seg) segmenters.set(lang, (seg = new Intl.Segmenter(lang, { granularity: 'word' })));
  for (const piece of pieces(text, ICU_CHUNK)) for (const s of seg.segment(piece)) yield s.segment;
}

const SPACE = /^\s+$/u;

/** Calls `visit` for every token of `text` (words and punctuation; no whitespace) in the word rules of `lang`. */
export function forEachWordOf(text: string, lang: string | null | undefined, visit: (token: string) => void): void {
  const l = languageOf(lang);
  if (!l?.spaceless) {
    forEachSpacedWord(text, (t) => void visit(t));
    return;
  }
  const code = baseLang(lang!);
  // jieba's dictionary is Simplified: Traditional text falls apart into single characters (UDHR cmn_hant: 1.29
  // characters per Han word with jieba, 1.69 with ICU), so zh-Hant goes to ICU.
  const cut = code === 'zh' && lang !== 'zh-Hant' ? chineseCutter() : undefined;
  if (cut) {
    for (const piece of text.length > JIEBA_CHUNK ? pieces(text, JIEBA_CHUNK) : [text]) for (const t of cut(piece)) if (!SPACE.test(t)) visit(t);
    return;
  }
  for (const t of icuSegments(text, code)) if (!SPACE.test(t)) visit(t);
}

/** The tokens of `text` in the word rules of `lang`. */
export function words(text: string, lang: string | null | undefined): string[] {
  const out: string[] = [];
  forEachWordOf(text, lang, (t) => out.push(t));
  return out;
}
