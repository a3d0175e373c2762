// The stage registry: every stage a pipeline step can name.
import { bpeTrain } from './bpeTrain.js';
import { encode } from './encode.js';
import { exactDedup } from './exactDedup.js';
import { htmlStrip } from './htmlStrip.js';
import { langDetect } from './langDetect.js';
import { normalize } from './normalize.js';
import { minhashDedup } from './minhashDedup.js';
import { passthrough } from './passthrough.js';
import { quality } from './quality.js';
import { qualityScores } from './qualityScores.js';
import type { DocStage, GlobalStage, SinkStage, Stage, TrainStage } from './stage.js';

export const STAGES = {
  'html-strip': htmlStrip,
  'lang-detect': langDetect,
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

export function getStage(name: string): Stage | undefined {
  return Object.hasOwn(STAGES, name) ? (STAGES[name as StageName] as unknown as Stage) : undefined;
}

/** A stage by name, only if it is of the given kind. */
export function stageOfKind<K extends Stage['kind']>(name: string, kind: K): Extract<Stage, { kind: K }> | undefined {
  const s = getStage(name);
  return s?.kind === kind ? (s as Extract<Stage, { kind: K }>) : undefined;
}

export const getDocStage = (name: string): DocStage | undefined => stageOfKind(name, 'document');
export const getGlobalStage = (name: string): GlobalStage | undefined => stageOfKind(name, 'global');
export const getTrainStage = (name: string): TrainStage | undefined => stageOfKind(name, 'train');
export const getSinkStage = (name: string): SinkStage | undefined => stageOfKind(name, 'sink');
