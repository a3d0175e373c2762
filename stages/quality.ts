// quality: applies thresholds to the scores `quality-scores` stored, dropping each document with the first
// rule it fails. The options are FineWeb-1's (datatrove defaults) and apply to English; with perLanguage, every
// other language gets FineWeb-2's thresholds for it and no C4 rules (languageConfig.ts). null turns a rule off.
import { z } from 'zod';
import { FINEWEB2_FIXED, languageThresholds } from './quality/languageConfig.js';
import { firstFailed } from './quality/rules.js';
import { defineStage, type StageOutput } from './stage.js';

const limit = (v: number, what: string) => z.number().min(0).nullable().default(v).describe(what);

const options = z
  .object({
    rules: z.array(z.enum(['gopher-quality', 'gopher-repetition', 'c4', 'fineweb'])).default(['gopher-quality', 'gopher-repetition', 'c4', 'fineweb']).describe('rule families applied'),
    minWords: limit(50, 'gopher: fewest words'),
    maxWords: limit(100_000, 'gopher: most words'),
    minMeanWordLength: limit(3, 'gopher: shortest mean word length'),
    maxMeanWordLength: limit(10, 'gopher: longest mean word length'),
    maxSymbolWordRatio: limit(0.1, 'gopher: most "#" or "..." per word'),
    maxBulletLines: limit(0.9, 'gopher: most lines starting with a bullet'),
    maxEllipsisLines: limit(0.3, 'gopher: most lines ending with an ellipsis'),
    minAlphaWords: limit(0.8, 'gopher: fewest words with a letter'),
    minStopWords: limit(2, 'gopher: fewest of the stop words the, be, to, of, and, that, have, with'),
    maxDupLineFrac: limit(0.3, 'repetition: duplicate lines by count'),
    maxDupParaFrac: limit(0.3, 'repetition: duplicate paragraphs by count'),
    maxDupLineCharFrac: limit(0.2, 'repetition: characters in duplicate lines'),
    maxDupParaCharFrac: limit(0.2, 'repetition: characters in duplicate paragraphs'),
    maxTopNgram: z.array(z.number().min(0)).length(3).default([0.2, 0.18, 0.16]).describe('repetition: top 2/3/4-gram character fractions'),
    maxDupNgram: z.array(z.number().min(0)).length(6).default([0.15, 0.14, 0.13, 0.12, 0.11, 0.1]).describe('repetition: duplicated 5..10-gram character fractions'),
    dropLoremIpsum: z.boolean().default(true).describe('c4: drop documents with "lorem ipsum"'),
    dropCurlyBracket: z.boolean().default(true).describe('c4: drop documents with "{"'),
    minSentences: limit(5, 'c4: fewest sentences'),
    minLinePunct: limit(0.12, 'fineweb: fewest lines ending in punctuation'),
    maxShortLines: limit(0.67, 'fineweb: most lines of 30 characters or fewer'),
    maxDupLineChars: limit(0.1, 'fineweb: most characters in duplicated lines'),
    maxNewlineRatio: limit(0.3, 'fineweb: most newlines per word (lists)'),
    perLanguage: z.boolean().default(true).describe('languages other than English (meta.lang) use FineWeb-2\'s thresholds for them; false: these options for every document'),
  })
  .strict();

type Options = z.output<typeof options>;

const FINEWEB2_ORDER = ['gopher-repetition', 'fineweb', 'gopher-quality'] as const;

/** The options a document of `lang` is judged by: FineWeb-2's for its language (no C4 rules), else `o` itself. */
function optionsFor(o: Options, lang: unknown, cache: Map<string, { o: Options; rules: Options['rules'] } | null>): { o: Options; rules: Options['rules'] } | null {
  if (!o.perLanguage || typeof lang !== 'string') return null;
  let hit = cache.get(lang);
  if (hit !== undefined) return hit;
  const t = languageThresholds(lang);
  if (!t) hit = null;
  else {
    const f = FINEWEB2_FIXED;
    hit = {
      // FineWeb-2's order (fineweb-2-pipeline.py), so a document is dropped for the reason FineWeb-2 would give;
      // "we do not apply the C4 filters".
      rules: FINEWEB2_ORDER.filter((r) => o.rules.includes(r)),
      o: {
        ...o,
        minWords: f.minWords,
        maxWords: f.maxWords,
        minMeanWordLength: t.minMeanWordLength,
        maxMeanWordLength: t.maxMeanWordLength,
        maxSymbolWordRatio: f.maxSymbolWordRatio,
        maxBulletLines: f.maxBulletLines,
        maxEllipsisLines: f.maxEllipsisLines,
        minAlphaWords: t.minAlphaWords,
        minStopWords: t.stopWords ? f.minStopWords : null,
        maxDupLineFrac: t.dupLineFrac,
        maxDupParaFrac: null,
        maxDupLineCharFrac: null,
        maxDupParaCharFrac: null,
        maxTopNgram: t.topNgrams,
        maxDupNgram: t.dupNgrams,
        minLinePunct: t.linePunct,
        maxShortLines: null,
        maxDupLineChars: f.maxDupLineChars,
        maxNewlineRatio: t.newlineRatio,
      },
    };
  }
  cache.set(lang, hit);
  return hit;
}

export const quality = defineStage({
  name: 'quality',
  description: 'Thresholds on the quality-scores statistics (Gopher, C4, FineWeb; datatrove defaults); drops with the failed rule.',
  kind: 'document',
  options,
  requires: ['quality-scores'],
  run(docs, o): StageOutput {
    const out: StageOutput = { kept: [], rejected: [], counters: {} };
    const counters = out.counters!;
    const count = (k: string): void => void (counters[k] = (counters[k] ?? 0) + 1);
    const perLang = new Map<string, { o: Options; rules: Options['rules'] } | null>();
    for (const doc of docs) {
      const lang = typeof doc.meta.lang === 'string' ? doc.meta.lang : null;
      if (!('gopher.words' in doc.meta)) {
        out.rejected.push({ doc, reason: 'quality.no-scores' });
        continue;
      }
      const own = optionsFor(o, lang, perLang);
      const judged = own?.o ?? o;
      const reason = firstFailed(doc.meta, judged, own?.rules ?? o.rules);
      if (reason) out.rejected.push({ doc, reason });
      else out.kept.push(doc);
      // Every drop per language, so a multilingual run shows what each language lost and why.
      if (lang) count(reason ? `by-lang.${lang}.dropped.${reason}` : `by-lang.${lang}.kept`);
    }
    return out;
  },
});
