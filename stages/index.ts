// The stage registry: every stage a pipeline step can name.
import { htmlStrip } from './htmlStrip.js';
import { langDetect } from './langDetect.js';
import { normalize } from './normalize.js';
import { passthrough } from './passthrough.js';
import { quality } from './quality.js';
import { qualityScores } from './qualityScores.js';
import type { DocStage } from './stage.js';

export const STAGES = {
  'html-strip': htmlStrip,
  'lang-detect': langDetect,
  normalize,
  passthrough,
  'quality-scores': qualityScores,
  quality,
} as const;

export type StageName = keyof typeof STAGES;

export function getStage(name: string): DocStage | undefined {
  return Object.hasOwn(STAGES, name) ? (STAGES[name as StageName] as unknown as DocStage) : undefined;
}
