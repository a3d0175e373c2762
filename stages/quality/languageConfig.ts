// Per-language quality thresholds and stop words, as FineWeb-2 publishes them (stages/quality/fineweb2.json, with
// its source commit). English keeps FineWeb-1's rules (the quality stage's own options). A language without a
// FineWeb-2 config, or a romanization, takes the median of FineWeb-2's configs in its script and no stop-word rule.
import { createRequire } from 'node:module';
import { baseLang, languageOf } from '../lang/languages.js';

export interface LanguageThresholds {
  /** Which config the values come from (`cmn_Hani`, or `median of 1105 Latn configs`). */
  source: string;
  dupLineFrac: number | null;
  topNgrams: number[];
  dupNgrams: number[];
  linePunct: number | null;
  newlineRatio: number | null;
  minMeanWordLength: number | null;
  maxMeanWordLength: number | null;
  minAlphaWords: number | null;
  /** null: no stop-word rule for this language. */
  stopWords: string[] | null;
}

interface Fixed {
  minWords: number;
  maxWords: number;
  maxSymbolWordRatio: number;
  maxBulletLines: number;
  maxEllipsisLines: number;
  minStopWords: number;
  maxDupLineChars: number;
}

interface Data {
  fixed: Fixed;
  languages: Record<string, Omit<LanguageThresholds, 'source'> & { config: string; stopWords: string[] }>;
  fallbackByScript: Record<string, Omit<LanguageThresholds, 'source' | 'stopWords'> & { configs: number }>;
}

const data = createRequire(import.meta.url)('../../../stages/quality/fineweb2.json') as Data;

/** FineWeb-2's settings that are the same for every language (datatrove defaults it did not override). */
export const FINEWEB2_FIXED: Fixed = data.fixed;

const ISO15924: Record<string, string> = { Latin: 'Latn', Cyrillic: 'Cyrl', Arabic: 'Arab', Devanagari: 'Deva', Bengali: 'Beng', Greek: 'Grek', Hebrew: 'Hebr', Han: 'Hani', Thai: 'Thai', Myanmar: 'Mymr', Ethiopic: 'Ethi', Telugu: 'Telu' };

const cache = new Map<string, LanguageThresholds | null>();

/** FineWeb-2's thresholds for a lang-detect code; null for English (FineWeb-1 rules). */
export function languageThresholds(lang: string | null | undefined): LanguageThresholds | null {
  if (!lang || lang === 'und' || baseLang(lang) === 'en') return null;
  let t = cache.get(lang);
  if (t !== undefined) return t;
  const entry = lang.endsWith('-Latn') ? undefined : data.languages[baseLang(lang)];
  if (entry) {
    const { config, wordTokenizer: _w, ...rest } = entry as typeof entry & { wordTokenizer?: string };
    t = { source: config, ...rest };
  } else {
    // A code sluice does not know (a meta.lang from another tool) is judged as Latin script, without stop words.
    const script = ISO15924[languageOf(lang)?.scripts[0] ?? 'Latin'];
    const f = script ? data.fallbackByScript[script] : undefined;
    if (f) {
      const { configs, ...rest } = f;
      t = { source: `median of ${configs} ${script} configs`, ...rest, stopWords: null };
    } else t = null;
  }
  cache.set(lang, t);
  return t;
}

/** Stop words of a language (FineWeb-2's list; English: Gopher's), or null when there is no list. */
export function stopWordsOf(lang: string | null | undefined): ReadonlySet<string> | null {
  const t = languageThresholds(lang);
  if (t === null) return lang && lang !== 'und' && baseLang(lang) !== 'en' ? null : ENGLISH_STOP_WORDS;
  return t.stopWords ? new Set(t.stopWords) : null;
}

/** Gopher's (Rae et al. 2021), case-sensitive as in datatrove. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with']);
