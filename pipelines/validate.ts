// Validates a definition once, with defaults, and reports errors as `file: steps[2].minWords: expected number, got "ten"`.
import type { z } from 'zod';
import { UserError } from '../datasets/errors.js';
import { STAGES, getStage } from '../stages/index.js';
import { pipelineSchema, type Pipeline } from './define.js';

export interface ResolvedStep {
  /** 1-based position in the pipeline. */
  index: number;
  stage: string;
  /** Output folder name, e.g. `02-normalize`. */
  dir: string;
  options: Record<string, unknown>;
}

export interface ResolvedPipeline extends Omit<Pipeline, 'steps'> {
  steps: ResolvedStep[];
}

function pathString(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v = root;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s && s.length > 40 ? `${s.slice(0, 40)}…` : String(s);
}

/** One line per problem, each with the path of the bad key. */
export function formatIssues(issues: z.core.$ZodIssue[], root: unknown, prefix: PropertyKey[], known?: string[]): string[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    const where = pathString(path) || '(definition)';
    if (issue.code === 'invalid_type') return `${where}: expected ${issue.expected}, got ${describe(valueAt(root, path))}`;
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      const valid = known && known.length ? ` (valid: ${known.join(', ')})` : '';
      return `${where}: unknown option${issue.keys.length > 1 ? 's' : ''} ${keys}${valid}`;
    }
    return `${where}: ${issue.message.replace(/^Invalid (input|option): /, '')}, got ${describe(valueAt(root, path))}`;
  });
}

function stepDir(index: number, stage: string): string {
  return `${String(index).padStart(2, '0')}-${stage}`;
}

/** Parses and resolves a definition; `label` names the file in every error. */
export function validatePipeline(raw: unknown, label: string): ResolvedPipeline {
  const top = pipelineSchema.safeParse(raw);
  if (!top.success) {
    const known = Object.keys(pipelineSchema.shape);
    throw new UserError(formatIssues(top.error.issues, raw, [], known).map((l) => `${label}: ${l}`).join('\n'));
  }
  const errors: string[] = [];
  const steps: ResolvedStep[] = [];
  top.data.steps.forEach((step, i) => {
    const stage = getStage(step.stage);
    if (!stage) {
      errors.push(`steps[${i}].stage: unknown stage "${step.stage}" (stages: ${Object.keys(STAGES).join(', ')})`);
      return;
    }
    const { stage: _name, ...opts } = step;
    const parsed = stage.options.safeParse(opts);
    if (!parsed.success) {
      errors.push(...formatIssues(parsed.error.issues, raw, ['steps', i], Object.keys(stage.options.shape)));
      return;
    }
    if (stage.kind !== 'document' && i === 0) errors.push(`steps[0]: stage ${stage.name} reads its input twice: put a document step before it (e.g. normalize)`);
    for (const need of stage.requires ?? []) {
      if (!top.data.steps.slice(0, i).some((s) => s.stage === need)) errors.push(`steps[${i}]: stage ${stage.name} needs ${need} earlier in the pipeline`);
    }
    steps.push({ index: i + 1, stage: stage.name, dir: stepDir(i + 1, stage.name), options: parsed.data as Record<string, unknown> });
  });
  if (errors.length) throw new UserError(errors.map((l) => `${label}: ${l}`).join('\n'));
  return { ...top.data, steps };
}
