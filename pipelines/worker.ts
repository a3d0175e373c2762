// The piscina worker entry: a batch through fused document steps, or a global stage's map over a batch.
import type { KeyColumns } from '../stages/stage.js';
import type { BatchResult, BatchTask, MapTask } from './protocol.js';
import { runMap, runSteps } from './runSteps.js';

export default function runTask(task: BatchTask | MapTask): Promise<BatchResult | KeyColumns> {
  // Map results are small typed arrays (112 bytes per document for 14 bands): a structured-clone copy is cheap.
  return task.kind === 'map' ? runMap(task) : runSteps(task);
}
