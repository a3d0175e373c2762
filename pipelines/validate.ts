// Validates a definition once, with defaults, and reports errors as `file: steps[2].minWords: expected number, got "ten"`.
import { UserError } from '../datasets/errors.js';
import { formatIssues } from '../datasets/schemaErrors.js';
import { allStages, getStage } from '../stages/index.js';
import type { PipelineSetting, StageKind } from '../stages/stage.js';
import { inputSchema, pipelineSchema, type Pipeline } from './define.js';

export interface ResolvedStep {
  /** 1-based position in the pipeline. */
  index: number;
  stage: string;
  kind: StageKind;
  /** Output folder name: position and stage. Code finds a step by its stage name, never by this. */
  dir: string;
  /** The options as given, defaults filled and pipeline settings inherited: what the fingerprint and manifest record. */
  options: Record<string, unknown>;
}

export interface ResolvedPipeline extends Omit<Pipeline, 'steps' | 'stageModules'> {
  steps: ResolvedStep[];
  /** File URLs of the stage modules, registered here and in every worker. */
  stageModules: string[];
}

function stepDir(index: number, stage: string): string {
  return `${String(index).padStart(2, '0')}-${stage}`;
}

/**
 * Parses and resolves a definition; `label` names the file in every error. Stages from the definition's
 * `stageModules` must be registered first (`loadPipeline` does it); `stageModules` are their file URLs.
 */
export function validatePipeline(raw: unknown, label: string, stageModules: string[] = []): ResolvedPipeline {
  const top = pipelineSchema.safeParse(raw);
  if (!top.success) {
    const known = (path: PropertyKey[]) => (path.length === 0 ? Object.keys(pipelineSchema.shape) : path.length === 1 && path[0] === 'input' ? Object.keys(inputSchema.shape) : undefined);
    throw new UserError(formatIssues(top.error.issues, raw, [], known, 'key').map((l) => `${label}: ${l}`).join('\n'));
  }
  const errors: string[] = [];
  const steps: ResolvedStep[] = [];
  top.data.steps.forEach((step, i) => {
    const stage = getStage(step.stage);
    if (!stage) {
      errors.push(`steps[${i}].stage: unknown stage "${step.stage}" (stages: ${allStages().map((s) => s.name).join(', ')})`);
      return;
    }
    const { stage: _name, ...opts } = step;
    const inherited: Partial<Record<PipelineSetting, unknown>> = {};
    for (const key of stage.inherits ?? []) {
      if (Object.hasOwn(opts, key)) errors.push(`steps[${i}].${key}: a pipeline setting: set ${key} once at the top level of the definition, so that every step that splits reads the same value`);
      inherited[key] = top.data[key];
    }
    const parsed = stage.options.safeParse({ ...opts, ...inherited });
    if (!parsed.success) {
      const settable = Object.keys(stage.options.shape).filter((k) => !(stage.inherits ?? []).includes(k as PipelineSetting));
      errors.push(...formatIssues(parsed.error.issues, raw, ['steps', i], settable));
      return;
    }
    if (stage.kind !== 'document' && i === 0) errors.push(`steps[0]: stage ${stage.name} reads its input twice: put a document step before it (e.g. normalize)`);
    for (const need of stage.requires ?? []) {
      if (!top.data.steps.slice(0, i).some((s) => s.stage === need)) errors.push(`steps[${i}]: stage ${stage.name} needs ${need} earlier in the pipeline`);
    }
    steps.push({ index: i + 1, stage: stage.name, kind: stage.kind, dir: stepDir(i + 1, stage.name), options: parsed.data as Record<string, unknown> });
  });
  if (errors.length) throw new UserError(errors.map((l) => `${label}: ${l}`).join('\n'));
  const { stageModules: _modules, ...rest } = top.data;
  return { ...rest, steps, stageModules };
}
