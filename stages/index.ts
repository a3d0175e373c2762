// The stage registry: every stage a pipeline step can name. Built-ins are listed here; a pipeline's
// `stageModules` add more at load time (and in every worker), through `registerStage`.
import { bpeTrain } from './bpeTrain.js';
import { encode } from './encode.js';
import { exactDedup } from './exactDedup.js';
import { htmlStrip } from './htmlStrip.js';
import { langDetect } from './langDetect.js';
import { langShare } from './langShare.js';
import { normalize } from './normalize.js';
import { minhashDedup } from './minhashDedup.js';
import { passthrough } from './passthrough.js';
import { quality } from './quality.js';
import { qualityScores } from './qualityScores.js';
import type { Stage, StageKind } from './stage.js';

export const STAGES = {
  'html-strip': htmlStrip,
  'lang-detect': langDetect,
  'lang-share': langShare,
  normalize,
  passthrough,
  'quality-scores': qualityScores,
  quality,
  'exact-dedup': exactDedup,
  'minhash-dedup': minhashDedup,
  'bpe-train': bpeTrain,
  encode,
} as const;

export type StageName = keyof typeof STAGES;

const KINDS: readonly StageKind[] = ['document', 'dedup', 'artifact', 'shards'];
const added = new Map<string, Stage>();

export function getStage(name: string): Stage | undefined {
  return Object.hasOwn(STAGES, name) ? (STAGES[name as StageName] as unknown as Stage) : added.get(name);
}

/** A stage by name, only if it is of the given kind. */
export function stageOfKind<K extends StageKind>(name: string, kind: K): Extract<Stage, { kind: K }> | undefined {
  const s = getStage(name);
  return s?.kind === kind ? (s as Extract<Stage, { kind: K }>) : undefined;
}

/** Every stage known here: the built-ins, then those registered from stage modules. */
export function allStages(): Stage[] {
  return [...(Object.values(STAGES) as unknown as Stage[]), ...added.values()];
}

function isStage(v: unknown): v is Stage {
  const s = v as Partial<Stage> | null;
  return typeof s === 'object' && s !== null && typeof s.name === 'string' && KINDS.includes(s.kind as StageKind) && typeof (s.options as { safeParse?: unknown } | undefined)?.safeParse === 'function';
}

/** Registers every stage a module exports; `from` names the module in errors. Registering the same object twice is a no-op. */
export function registerStages(mod: Record<string, unknown>, from: string): Stage[] {
  const found = Object.values(mod).filter(isStage);
  if (found.length === 0) throw new Error(`${from}: exports no stage (export a defineStage/defineDedupStage/defineArtifactStage/defineShardStage value)`);
  for (const s of found) {
    const known = getStage(s.name);
    if (known && known !== s) throw new Error(`${from}: stage "${s.name}" is already defined${Object.hasOwn(STAGES, s.name) ? ' (a built-in stage)' : ''}; give it another name`);
    added.set(s.name, s);
  }
  return found;
}
