// The piscina worker entry: a batch through fused document steps, a global stage's map, or a train stage's count.
import type { EncodedBatch, KeyColumns } from '../stages/stage.js';
import type { BatchResult, BatchTask, CountTask, MapTask, SinkTask } from './protocol.js';
import { runCount, runMap, runSink, runSteps } from './runSteps.js';

export default function runTask(task: BatchTask | MapTask | CountTask | SinkTask): Promise<BatchResult | KeyColumns | Record<string, number> | EncodedBatch> {
  // Map results are small typed arrays (112 bytes per document for 14 bands): a structured-clone copy is cheap.
  if (task.kind === 'map') return runMap(task);
  if (task.kind === 'count') return runCount(task);
  if (task.kind === 'sink') return runSink(task);
  return runSteps(task);
}
