// The piscina worker entry: one task = one batch through the fused steps.
import type { BatchResult, BatchTask } from './protocol.js';
import { runSteps } from './runSteps.js';

export default function runBatch(task: BatchTask): Promise<BatchResult> {
  return runSteps(task);
}
