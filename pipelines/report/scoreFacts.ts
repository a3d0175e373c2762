// Histograms of the main quality scores over a bounded sample of the documents the quality step judged (the
// quality-scores step's output), with the quality step's thresholds on them: how many it dropped for each (from
// stats) and what share of the sample lies beyond it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { QUALITY_RULES, type QualityLimits, type ThresholdRule } from '../../stages/quality/rules.js';
import type { StageManifest } from '../manifest.js';
import type { ScoreFacts, StepFacts } from './facts.js';
import { binLinear, binLog, eachRow, evenlySpaced, parseMeta } from './sampling.js';

/** The scores drawn, and how: counts spanning orders of magnitude on a log axis, shares on [0, 1]. */
const SCORES: { score: string; label: string; scale: 'linear' | 'symlog'; domain?: [number, number] }[] = [
  { score: 'gopher.words', label: 'words', scale: 'symlog' },
  { score: 'gopher.meanWordLength', label: 'mean word length (characters)', scale: 'linear', domain: [0, 15] },
  { score: 'gopher.alphaWords', label: 'share of words with a letter', scale: 'linear', domain: [0, 1] },
  { score: 'gopher.stopWords', label: 'stop words', scale: 'symlog' },
  { score: 'repetition.dupLineFrac', label: 'share of duplicated lines', scale: 'linear', domain: [0, 1] },
  { score: 'repetition.top2gram', label: 'characters in the most frequent word 2-gram', scale: 'linear', domain: [0, 1] },
  { score: 'repetition.dup5gram', label: 'characters in duplicated word 5-grams', scale: 'linear', domain: [0, 1] },
  { score: 'c4.sentences', label: 'sentences (C4)', scale: 'symlog' },
  { score: 'fineweb.linePunct', label: 'share of lines ending in punctuation', scale: 'linear', domain: [0, 1] },
  { score: 'fineweb.shortLines', label: 'share of short lines (30 characters or fewer)', scale: 'linear', domain: [0, 1] },
  { score: 'fineweb.newlineRatio', label: 'line breaks per word', scale: 'linear', domain: [0, 1] },
];

const MAX_DOCS = 50_000;
const BINS = 40;

export async function scoreFacts(run: string, scores: StageManifest, quality: StageManifest | null, steps: StepFacts[], sampleParts: number): Promise<{ dir: string; sampledParts: number; perLanguage: boolean; facts: ScoreFacts[] }> {
  const values = new Map<string, number[]>(SCORES.map((s) => [s.score, []]));
  let docs = 0;
  let read = 0;
  const picks = evenlySpaced(scores.parts.length, sampleParts);
  for (const i of picks) {
    const path = join(run, scores.dir, scores.parts[i].output.file);
    if (docs >= MAX_DOCS || !existsSync(path)) continue;
    read++;
    await eachRow(path, ['meta'], (r) => {
      const m = parseMeta(r.meta);
      for (const [k, list] of values) if (typeof m[k] === 'number') list.push(m[k] as number);
      return ++docs < MAX_DOCS;
    });
  }
  const o = quality?.options as unknown as QualityLimits | undefined;
  const dropped = quality ? steps.find((s) => s.dir === quality.dir)?.dropped ?? {} : {};
  const rules = QUALITY_RULES.filter((r): r is ThresholdRule => r.kind === 'threshold');
  const facts = SCORES.flatMap((s): ScoreFacts[] => {
    const v = values.get(s.score)!;
    if (v.length === 0) return [];
    const thresholds = o
      ? rules.filter((r) => r.score === s.score && r.limit(o) !== null && (o as unknown as { rules: string[] }).rules.includes(r.family)).map((r) => {
          const limit = r.limit(o)!;
          const beyond = v.filter((x) => (r.bound === 'min' ? x < limit : x > limit)).length / v.length;
          return { bound: r.bound, value: limit, option: r.option, reason: r.reason, dropped: dropped[r.reason] ?? 0, beyond };
        })
      : [];
    const hi = s.domain ? Math.max(s.domain[1], ...thresholds.map((t) => t.value * 1.2)) : 0;
    const bins = s.scale === 'symlog' ? binLog(v, BINS) : binLinear(v, s.domain![0], hi, BINS);
    return [{ score: s.score, label: s.label, scale: s.scale, bins, sampled: v.length, thresholds }];
  });
  return { dir: scores.dir, sampledParts: read, perLanguage: Boolean((quality?.options as { perLanguage?: boolean } | undefined)?.perLanguage), facts };
}
