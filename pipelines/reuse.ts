// Decides which steps run: reuse verified upstream outputs, refuse --from-stage when they cannot be trusted.
import { UserError } from '../datasets/errors.js';
import type { StepPlan } from './plan.js';
import { checkFile, checkPart, manifestPath, readJson, type StageManifest } from './manifest.js';

/** How a hint names a step: its stage, or its folder when the stage appears more than once. */
export function stepName(plans: StepPlan[], i: number): string {
  return plans.filter((p) => p.stage === plans[i].stage).length === 1 ? plans[i].stage : plans[i].dir;
}

/** The index of a step named by its folder (`02-normalize`) or stage name (`normalize`). */
export function locate(plans: StepPlan[], name: string, flag: string): number {
  const byDir = plans.findIndex((p) => p.dir === name);
  if (byDir !== -1) return byDir;
  const matches = plans.flatMap((p, i) => (p.stage === name ? [i] : []));
  if (matches.length === 1) return matches[0];
  const dirs = plans.map((p) => p.dir).join(', ');
  if (matches.length > 1) throw new UserError(`${flag} ${name}: the stage appears ${matches.length} times; name the step folder (${dirs})`);
  throw new UserError(`${flag} ${name}: no such step in this pipeline (steps: ${dirs})`);
}

function optionDiff(old: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])].sort();
  return keys.filter((k) => JSON.stringify(old[k]) !== JSON.stringify(now[k])).map((k) => `${k} ${JSON.stringify(old[k])} -> ${JSON.stringify(now[k])}`);
}

/** Why a step's output cannot be reused as it is, or null when it is complete, current and intact. */
async function problem(plan: StepPlan, m: StageManifest | undefined): Promise<string | null> {
  if (!m) return `${plan.dir} has no complete output (no ${manifestPath(plan.path)})`;
  if (m.fingerprint !== plan.fingerprint) {
    const diff = optionDiff(m.options, plan.options);
    return diff.length
      ? `${plan.dir} was made with different options (${diff.join(', ')})`
      : `${plan.dir} was made from a different input or upstream step`;
  }
  for (const part of m.parts) {
    const bad = await checkPart(plan.path, part);
    if (bad) return `${plan.dir} is corrupt: ${bad}`;
  }
  for (const f of m.files ?? []) {
    const bad = await checkFile(plan.path, f);
    if (bad) return `${plan.dir} is corrupt: ${bad}`;
  }
  return null;
}

export interface RunRange {
  /** 0-based index of the first step to run. */
  start: number;
  /** 0-based index of the last step to run. */
  end: number;
  /** Manifests of the verified steps before `start`. */
  reused: StageManifest[];
}

export async function planRange(plans: StepPlan[], fromStage: string | undefined, toStage: string | undefined): Promise<RunRange> {
  const end = toStage === undefined ? plans.length - 1 : locate(plans, toStage, '--to-stage');
  const reused: StageManifest[] = [];
  if (fromStage !== undefined) {
    const start = locate(plans, fromStage, '--from-stage');
    if (start > end) throw new UserError(`--from-stage ${fromStage} comes after --to-stage ${toStage}`);
    for (let i = 0; i < start; i++) {
      const m = await readJson<StageManifest>(manifestPath(plans[i].path));
      const why = await problem(plans[i], m);
      if (why) {
        throw new UserError(
          `--from-stage ${fromStage}: cannot reuse upstream output: ${why}.\n` +
            `Rerun from that step (--from-stage ${stepName(plans, i)}), or run without --from-stage to resume where the last run stopped.`,
        );
      }
      reused.push(m!);
    }
    return { start, end, reused };
  }
  let start = 0;
  for (; start <= end; start++) {
    const m = await readJson<StageManifest>(manifestPath(plans[start].path));
    if ((await problem(plans[start], m)) !== null) break;
    reused.push(m!);
  }
  return { start, end, reused };
}
