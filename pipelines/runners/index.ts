// One runner per kind of step, chosen by the stage's kind; and how a pipeline's steps group into segments.
import type { StageKind } from '../../stages/stage.js';
import type { StepPlan } from '../plan.js';
import { artifactRunner } from './artifact.js';
import { dedupRunner } from './dedup.js';
import { documentsRunner } from './documents.js';
import type { StepRunner } from './runner.js';
import { shardsRunner } from './shards.js';

export const RUNNERS: Record<StageKind, StepRunner> = {
  document: documentsRunner,
  dedup: dedupRunner,
  artifact: artifactRunner,
  shards: shardsRunner,
};

export function runnerFor(step: StepPlan): StepRunner {
  return RUNNERS[step.kind];
}

/** Consecutive steps of a fusing kind run in one segment; every other step is a segment of its own. */
export function segmentsOf(steps: StepPlan[]): StepPlan[][] {
  const out: StepPlan[][] = [];
  for (const s of steps) {
    const last = out[out.length - 1];
    if (last && runnerFor(s).fuses && last[0].kind === s.kind) last.push(s);
    else out.push([s]);
  }
  return out;
}
