// The pipeline half of a run report: the funnel and wall times from stats.json (or the manifests of a run that
// did not finish), drop reasons with example documents, languages, then the per-kind facts of each step.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../datasets/errors.js';
import type { StageManifest } from '../manifest.js';
import type { RunStats } from '../plan.js';
import { dedupFacts } from './dedupFacts.js';
import type { DropReason, LanguageFacts, PipelineFacts, StepFacts } from './facts.js';
import { eachRow, evenlySpaced, firstLine } from './sampling.js';
import { scoreFacts } from './scoreFacts.js';
import { shardFacts, tokenizerFacts } from './tokenFacts.js';

export interface SampleLimits {
  /** Part files read per step for examples and score histograms. */
  parts: number;
  /** Examples shown per drop reason. */
  examples: number;
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export async function pipelineFacts(run: string, limits: SampleLimits): Promise<PipelineFacts> {
  const plan = await readJson<{ pipeline: string; parts: unknown[]; steps: { dir: string; stage: string }[] }>(join(run, 'run.json'));
  if (!plan) throw new UserError(`${run}: no run.json: not a pipeline run folder (run a pipeline first, e.g. make corpus)`);
  const stats = await readJson<RunStats>(join(run, 'stats.json'));
  const notes: string[] = [];
  const manifests = new Map<string, StageManifest>();
  for (const s of plan.steps) {
    const m = await readJson<StageManifest>(join(run, s.dir, 'manifest.json'));
    if (m) manifests.set(s.dir, m);
    else notes.push(`${s.dir}: no manifest.json (the step has not finished); it is left out`);
  }
  if (!stats) notes.push('no stats.json (the run did not finish): figures come from the manifests, without wall times');
  const steps: StepFacts[] = plan.steps.flatMap((s): StepFacts[] => {
    const st = stats?.steps.find((x) => x.dir === s.dir);
    const m = manifests.get(s.dir);
    const c = st ?? m?.totals;
    if (!c) return [];
    return [{ dir: s.dir, stage: s.stage, reused: st?.reused ?? false, docsIn: c.docsIn, docsOut: c.docsOut, bytesIn: c.bytesIn, bytesOut: c.bytesOut, wallMs: st?.wallMs ?? 0, dropped: c.dropped, ...((st?.reduce ?? m?.reduce) ? { reduce: st?.reduce ?? m?.reduce } : {}) }];
  });
  const first = plan.steps[0] ? manifests.get(plan.steps[0].dir) : undefined;
  const input = stats?.input ?? first?.input ?? { docs: 0, bytes: 0, bad: {}, skipped: {} };
  const extras = plan.steps.map((s) => ({ dir: s.dir, stage: s.stage, extra: stats?.steps.find((x) => x.dir === s.dir)?.extra ?? manifests.get(s.dir)?.totals.extra ?? {} }));
  const quality = plan.steps.find((s) => s.stage === 'quality');
  const scoresStep = plan.steps.find((s) => s.stage === 'quality-scores');
  return {
    run,
    pipeline: plan.pipeline,
    threads: stats?.threads ?? 0,
    wallMs: stats?.wallMs ?? 0,
    peakRssBytes: stats?.peakRssBytes ?? 0,
    input,
    parts: plan.parts.length,
    steps,
    drops: await dropReasons(run, steps, manifests, limits),
    languages: languages(extras),
    scores: scoresStep && manifests.has(scoresStep.dir) ? await scoreFacts(run, manifests.get(scoresStep.dir)!, quality ? manifests.get(quality.dir) ?? null : null, steps, limits.parts) : null,
    dedup: await dedupFacts(run, plan.steps, manifests, notes),
    tokenizer: await tokenizerFacts(run, plan.steps),
    shards: await shardFacts(run, plan.steps, notes),
    notes,
  };
}

/** Every drop reason of every step, largest first within a step, with examples read from its rejected files. */
async function dropReasons(run: string, steps: StepFacts[], manifests: Map<string, StageManifest>, limits: SampleLimits): Promise<DropReason[]> {
  const out: DropReason[] = [];
  for (const s of steps) {
    const reasons = Object.entries(s.dropped).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (reasons.length === 0) continue;
    const examples = new Map<string, DropReason['examples']>(reasons.map(([r]) => [r, []]));
    const files = (manifests.get(s.dir)?.parts ?? []).flatMap((p) => (p.rejected ? [p.rejected.file] : []));
    for (const i of evenlySpaced(files.length, limits.parts)) {
      if ([...examples.values()].every((e) => e.length >= limits.examples)) break;
      const path = join(run, s.dir, files[i]);
      if (!existsSync(path)) continue;
      await eachRow(path, ['id', 'text', 'reason'], (r) => {
        const e = examples.get(String(r.reason));
        if (e && e.length < limits.examples) e.push({ id: String(r.id), firstLine: firstLine(r.text) });
      });
    }
    for (const [reason, count] of reasons) out.push({ dir: s.dir, reason, count, share: s.docsIn ? count / s.docsIn : 0, examples: examples.get(reason) ?? [] });
  }
  return out;
}

/** Documents per language: as cld3 told them (lang.<code>), kept by lang-detect, and at the last step counting them. */
function languages(extras: { dir: string; stage: string; extra: Record<string, number> }[]): LanguageFacts[] {
  const of = (extra: Record<string, number>, prefix: string) =>
    new Map(Object.entries(extra).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  const detect = extras.find((e) => e.stage === 'lang-detect');
  const counted = extras.filter((e) => Object.keys(e.extra).some((k) => k.startsWith('docs-by-lang.')));
  if (!detect && counted.length === 0) return [];
  const detected = detect ? of(detect.extra, 'lang.') : new Map<string, number>();
  const kept = detect ? of(detect.extra, 'docs-by-lang.') : new Map<string, number>();
  const last = counted.at(-1);
  const final = last ? of(last.extra, 'docs-by-lang.') : new Map<string, number>();
  const finalBytes = last ? of(last.extra, 'bytes-by-lang.') : new Map<string, number>();
  const langs = new Set([...detected.keys(), ...kept.keys(), ...final.keys()]);
  return [...langs]
    .map((lang) => ({ lang, detected: detected.get(lang) ?? 0, kept: kept.get(lang) ?? 0, final: final.get(lang) ?? 0, finalBytes: finalBytes.get(lang) ?? 0 }))
    .sort((a, b) => b.detected - a.detected || b.final - a.final || (a.lang < b.lang ? -1 : 1));
}
