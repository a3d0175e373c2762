// The training half of a run report, from the training run's own files: metrics.jsonl (train, eval, sample and
// baseline lines), train.json (config, model, the shards' pipeline run) or, for an older run, the newest
// checkpoint's trainer_state.json and config.json. Reads files only: no TensorFlow.js.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainingFacts, TrainPoint } from './facts.js';

/** Most train points drawn: a long run is thinned to every k-th logged step (the last one always kept). */
const MAX_POINTS = 2000;

export function isTrainingRun(dir: string): boolean {
  return existsSync(join(dir, 'metrics.jsonl')) || existsSync(join(dir, 'train.json'));
}

async function readJson(path: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export async function trainingFacts(run: string): Promise<TrainingFacts> {
  const train: TrainPoint[] = [];
  const evals: TrainingFacts['evals'] = [];
  const samples: TrainingFacts['samples'] = [];
  let baseline: TrainingFacts['baseline'] = null;
  const text = existsSync(join(run, 'metrics.jsonl')) ? await readFile(join(run, 'metrics.jsonl'), 'utf8') : '';
  for (const line of text.split('\n')) {
    if (!line) continue;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a line cut by a kill; training rewrites the file on resume
    }
    if (m.type === 'train') train.push(m as unknown as TrainPoint);
    else if (m.type === 'eval') evals.push(m as unknown as TrainingFacts['evals'][number]);
    else if (m.type === 'sample') samples.push({ step: m.step as number, text: String(m.text) });
    else if (m.type === 'baseline') baseline = { unigramLoss: m.unigramLoss as number, unigramPerplexity: m.unigramPerplexity as number, tokens: m.tokens as number };
  }
  const every = Math.ceil(train.length / MAX_POINTS);
  const thinned = every > 1 ? train.filter((_, i) => i % every === 0 || i === train.length - 1) : train;
  const info = await readJson(join(run, 'train.json'));
  let config: Record<string, unknown> | null = (info?.train as Record<string, unknown> | undefined) ?? null;
  let model: Record<string, unknown> | null = (info?.model as Record<string, unknown> | undefined) ?? null;
  if (!config) {
    const last = await newestCheckpoint(run);
    config = last ? (((await readJson(join(last, 'trainer_state.json')))?.train as Record<string, unknown>) ?? null) : null;
    model = last ? ((((await readJson(join(last, 'config.json')))?.sluice as { model?: Record<string, unknown> } | undefined)?.model) ?? null) : null;
  }
  return { run, train: thinned, evals, baseline, samples, config, model, pipelineRun: typeof info?.pipelineRun === 'string' ? info.pipelineRun : null };
}

async function newestCheckpoint(run: string): Promise<string | null> {
  const dir = join(run, 'checkpoints');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^step-\d+$/.test(n) && existsSync(join(dir, n, 'checksums.json'))).sort();
  return names.length ? join(dir, names[names.length - 1]) : null;
}
