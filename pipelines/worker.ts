// The piscina worker entry: registers the pipeline's stage modules once, then runs each task by its kind.
import { workerData } from 'node:worker_threads';
import type { Task, WorkerSetup } from './protocol.js';
import { importStageModules } from './stageModules.js';
import { TASKS } from './tasks.js';

const ready = importStageModules((workerData as WorkerSetup | undefined)?.stageModules ?? []);

export default async function runTask(task: Task): Promise<unknown> {
  await ready;
  return TASKS[task.kind](task as never);
}
