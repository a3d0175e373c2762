// The rules of the quality stage as data, in the order each family checks them: the score a rule reads, its
// bound, the option that sets it and the reason a document it drops gets. quality.ts applies them; the run report
// draws each threshold on its score's histogram.
import type { Meta } from '../../datasets/doc.js';
import { DUP_NGRAMS, TOP_NGRAMS } from './gopher.js';

export type Family = 'gopher-quality' | 'gopher-repetition' | 'c4' | 'fineweb';

/** The quality options the rules read (a threshold of null turns its rule off). */
export interface QualityLimits {
  minWords: number | null;
  maxWords: number | null;
  minMeanWordLength: number | null;
  maxMeanWordLength: number | null;
  maxSymbolWordRatio: number | null;
  maxBulletLines: number | null;
  maxEllipsisLines: number | null;
  minAlphaWords: number | null;
  minStopWords: number | null;
  maxDupLineFrac: number | null;
  maxDupParaFrac: number | null;
  maxDupLineCharFrac: number | null;
  maxDupParaCharFrac: number | null;
  maxTopNgram: number[];
  maxDupNgram: number[];
  dropLoremIpsum: boolean;
  dropCurlyBracket: boolean;
  minSentences: number | null;
  minLinePunct: number | null;
  maxShortLines: number | null;
  maxDupLineChars: number | null;
  maxNewlineRatio: number | null;
}

export interface ThresholdRule {
  kind: 'threshold';
  family: Family;
  /** The meta key quality-scores wrote. */
  score: string;
  /** min: a document below the limit is dropped; max: above it. */
  bound: 'min' | 'max';
  /** The option (with its index for the n-gram arrays), as a user writes it. */
  option: string;
  limit: (o: QualityLimits) => number | null;
  reason: string;
}

export interface FlagRule {
  kind: 'flag';
  family: Family;
  score: string;
  option: string;
  enabled: (o: QualityLimits) => boolean;
  reason: string;
}

export type QualityRule = ThresholdRule | FlagRule;

const t = (family: Family, score: string, bound: 'min' | 'max', option: keyof QualityLimits, reason: string): ThresholdRule => ({
  kind: 'threshold', family, score, bound, option, limit: (o) => o[option] as number | null, reason,
});

export const QUALITY_RULES: readonly QualityRule[] = [
  t('gopher-quality', 'gopher.words', 'min', 'minWords', 'gopher.short-doc'),
  t('gopher-quality', 'gopher.words', 'max', 'maxWords', 'gopher.long-doc'),
  t('gopher-quality', 'gopher.meanWordLength', 'min', 'minMeanWordLength', 'gopher.mean-word-length-low'),
  t('gopher-quality', 'gopher.meanWordLength', 'max', 'maxMeanWordLength', 'gopher.mean-word-length-high'),
  t('gopher-quality', 'gopher.hashRatio', 'max', 'maxSymbolWordRatio', 'gopher.hash-ratio'),
  t('gopher-quality', 'gopher.ellipsisRatio', 'max', 'maxSymbolWordRatio', 'gopher.ellipsis-ratio'),
  t('gopher-quality', 'gopher.bulletLines', 'max', 'maxBulletLines', 'gopher.bullet-lines'),
  t('gopher-quality', 'gopher.ellipsisLines', 'max', 'maxEllipsisLines', 'gopher.ellipsis-lines'),
  t('gopher-quality', 'gopher.alphaWords', 'min', 'minAlphaWords', 'gopher.alpha-words'),
  t('gopher-quality', 'gopher.stopWords', 'min', 'minStopWords', 'gopher.stop-words'),
  t('gopher-repetition', 'repetition.dupParaFrac', 'max', 'maxDupParaFrac', 'repetition.dup-para-frac'),
  t('gopher-repetition', 'repetition.dupParaCharFrac', 'max', 'maxDupParaCharFrac', 'repetition.dup-para-char-frac'),
  t('gopher-repetition', 'repetition.dupLineFrac', 'max', 'maxDupLineFrac', 'repetition.dup-line-frac'),
  t('gopher-repetition', 'repetition.dupLineCharFrac', 'max', 'maxDupLineCharFrac', 'repetition.dup-line-char-frac'),
  ...TOP_NGRAMS.map((n, i): ThresholdRule => ({
    kind: 'threshold', family: 'gopher-repetition', score: `repetition.top${n}gram`, bound: 'max', option: `maxTopNgram[${i}]`, limit: (o) => o.maxTopNgram[i] ?? null, reason: `repetition.top-${n}-gram`,
  })),
  ...DUP_NGRAMS.map((n, i): ThresholdRule => ({
    kind: 'threshold', family: 'gopher-repetition', score: `repetition.dup${n}gram`, bound: 'max', option: `maxDupNgram[${i}]`, limit: (o) => o.maxDupNgram[i] ?? null, reason: `repetition.dup-${n}-gram`,
  })),
  { kind: 'flag', family: 'c4', score: 'c4.lorem', option: 'dropLoremIpsum', enabled: (o) => o.dropLoremIpsum, reason: 'c4.lorem-ipsum' },
  { kind: 'flag', family: 'c4', score: 'c4.curly', option: 'dropCurlyBracket', enabled: (o) => o.dropCurlyBracket, reason: 'c4.curly-bracket' },
  t('c4', 'c4.sentences', 'min', 'minSentences', 'c4.too-few-sentences'),
  t('fineweb', 'fineweb.linePunct', 'min', 'minLinePunct', 'fineweb.line-punct'),
  t('fineweb', 'fineweb.shortLines', 'max', 'maxShortLines', 'fineweb.short-lines'),
  t('fineweb', 'fineweb.dupLineChars', 'max', 'maxDupLineChars', 'fineweb.dup-line-chars'),
  t('fineweb', 'fineweb.newlineRatio', 'max', 'maxNewlineRatio', 'fineweb.list-ratio'),
];

const BY_FAMILY = new Map<Family, QualityRule[]>();
for (const r of QUALITY_RULES) BY_FAMILY.set(r.family, [...(BY_FAMILY.get(r.family) ?? []), r]);

/** Whether `rule` drops a document with these scores (a missing score never fails a rule). */
export function fails(rule: QualityRule, meta: Meta, o: QualityLimits): boolean {
  const v = meta[rule.score];
  if (rule.kind === 'flag') return rule.enabled(o) && v === true;
  const limit = rule.limit(o);
  if (limit === null || typeof v !== 'number') return false;
  return rule.bound === 'min' ? v < limit : v > limit;
}

/** The reason of the first rule of `families` (in that order) the document fails, or null. */
export function firstFailed(meta: Meta, o: QualityLimits, families: readonly Family[]): string | null {
  for (const f of families) for (const r of BY_FAMILY.get(f) ?? []) if (fails(r, meta, o)) return r.reason;
  return null;
}
