// Keeps every document unchanged: measures the engine's own overhead and materializes an input as-is.
import { z } from 'zod';
import { defineStage } from './stage.js';

export const passthrough = defineStage({
  name: 'passthrough',
  description: 'Keeps every document unchanged (engine overhead benchmark; convert an input to the document table).',
  kind: 'document',
  options: z.object({}).strict(),
  run: (docs) => ({ kept: [...docs], rejected: [] }),
});
