// lang-detect: cld3 (cld3-asm, one identifier per worker) on a bounded sample of each document.
// Too little text to judge gives `und`, never a guess: cld3 is confidently wrong on short strings.
// The score is gated per language (thresholds derived from UDHR, stages/lang/thresholds.json), the letters must
// be in the language's script, and Chinese is told apart as zh-Hans / zh-Hant.
import { createRequire } from 'node:module';
import { loadModule } from 'cld3-asm';
import { z } from 'zod';
import type { Doc } from '../datasets/doc.js';
import { languageOf } from './lang/languages.js';
import { chineseScript, scriptShare } from './lang/scripts.js';
import { defineStage, type StageOutput } from './stage.js';

const derived = createRequire(import.meta.url)('../../stages/lang/thresholds.json') as { thresholds: Record<string, number> };
/** For a language UDHR gave too few paragraphs to derive a threshold from. */
const FALLBACK_SCORE = 0.65;

const options = z
  .object({
    keep: z.array(z.string()).default([]).describe('languages to keep (ISO 639-1, e.g. ["en"]); empty keeps all'),
    minScore: z.number().min(0).max(1).nullable().default(null).describe('minimum cld3 probability for a kept language; null: the language\'s own threshold (stages/lang/thresholds.json)'),
    minScriptShare: z.number().min(0).max(1).default(0.5).describe('fewest letters in the language\'s script(s) (lang.script-mismatch below)'),
    minLetters: z.number().int().min(1).default(40).describe('fewer letters than this in the sample: lang = und'),
    sampleChars: z.number().int().min(100).default(1000).describe('characters of cleaned text judged (cost grows with this)'),
  })
  .strict();

type Options = z.output<typeof options>;

/** The languages cld3 identifies (ISO 639-1 where one exists; -Latn for romanized text), after CODE_FIX. */
export const CLD3_LANGUAGES = new Set(
  ('af am ar az be bg bg-Latn bn bs ca ceb co cs cy da de el el-Latn en eo es et eu fa fi fil fr fy ga gd gl gu ha haw he hi ' +
    'hi-Latn hmn hr ht hu hy id ig is it ja ja-Latn jv ka kk km kn ko ku ky la lb lo lt lv mg mi mk ml mn mr ms mt my ne nl ' +
    'no ny pa pl ps pt ro ru ru-Latn sd si sk sl sm sn so sq sr st su sv sw ta te tg th tr uk ur uz vi xh yi yo zh zh-Latn zu').split(' '),
);

// cld3 still emits a few deprecated ISO codes.
const CODE_FIX: Record<string, string> = { iw: 'he', jw: 'jv', in: 'id', ji: 'yi' };
const URLS = /\b(?:https?:\/\/|www\.)\S+|\S+@\S+\.\w+/g;
const NON_LETTERS = /[\p{N}\p{P}\p{S}\s]+/gu;
const LETTER = /\p{L}/gu;

/** The text cld3 sees: URLs, e-mail addresses, digits and symbol runs removed, at most `chars` characters. */
export function languageSample(text: string, chars: number): string {
  return text.slice(0, chars * 4).replace(URLS, ' ').replace(NON_LETTERS, ' ').trim().slice(0, chars);
}

export interface Identifier {
  findLanguage(text: string): { language: string; probability: number };
}

export function detect(id: Identifier, text: string, o: Pick<Options, 'sampleChars' | 'minLetters'>): { lang: string; score: number; sample: string } {
  const sample = languageSample(text, o.sampleChars);
  const letters = sample.match(LETTER)?.length ?? 0;
  if (letters < o.minLetters) return { lang: 'und', score: 0, sample };
  const r = id.findLanguage(sample);
  if (!r.language || r.language === 'und') return { lang: 'und', score: 0, sample };
  const base = r.language.split('-')[0];
  let lang = (CODE_FIX[base] ?? base) + r.language.slice(base.length);
  if (lang === 'zh') lang = `zh-${chineseScript(sample) ?? 'Hans'}`;
  return { lang, score: r.probability, sample };
}

/** The score a language needs: the option, else the language's derived threshold. */
export function minScoreOf(lang: string, o: Pick<Options, 'minScore'>): number {
  return o.minScore ?? derived.thresholds[lang.split('-')[0]] ?? FALLBACK_SCORE;
}

export const langDetect = defineStage({
  name: 'lang-detect',
  description: 'Language identification with cld3 on a bounded sample; annotates lang/langScore; keeps listed languages above a score.',
  kind: 'document',
  options,
  async init(o: Options): Promise<Identifier> {
    const factory = await loadModule();
    return factory.create(0, o.sampleChars * 4);
  },
  run(docs, o, id): StageOutput {
    const out: StageOutput = { kept: [], rejected: [], counters: {} };
    const keep = new Set(o.keep);
    for (const doc of docs) {
      const { lang, score, sample } = detect(id, doc.text, o);
      const next: Doc = { ...doc, meta: { ...doc.meta, lang, langScore: score } };
      out.counters![`lang.${lang}`] = (out.counters![`lang.${lang}`] ?? 0) + 1;
      const scripts = languageOf(lang)?.scripts;
      if (lang === 'und') {
        if (keep.size === 0) out.kept.push(next);
        else out.rejected.push({ doc: next, reason: 'lang.und' });
      } else if (keep.size > 0 && !keep.has(lang.split('-')[0]) && !keep.has(lang)) out.rejected.push({ doc: next, reason: 'lang.not-kept' });
      else if (score < minScoreOf(lang, o)) out.rejected.push({ doc: next, reason: 'lang.low-score' });
      else if (scripts && scriptShare(sample, scripts) < o.minScriptShare) out.rejected.push({ doc: next, reason: 'lang.script-mismatch' });
      else out.kept.push(next);
    }
    return out;
  },
});
