// The stage registry: every stage a pipeline step can name.
import { normalize } from './normalize.js';
import { passthrough } from './passthrough.js';
import type { DocStage } from './stage.js';

export const STAGES = {
  normalize,
  passthrough,
} as const;

export type StageName = keyof typeof STAGES;

export function getStage(name: string): DocStage | undefined {
  return Object.hasOwn(STAGES, name) ? (STAGES[name as StageName] as unknown as DocStage) : undefined;
}
