// Finds a step's folder in a run folder by the stage's name (run.json lists the steps), never by its position.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../datasets/errors.js';

export async function findStepFolder(run: string, stage: string): Promise<string> {
  let steps: { dir: string; stage: string }[];
  try {
    steps = (JSON.parse(await readFile(join(run, 'run.json'), 'utf8')) as { steps: { dir: string; stage: string }[] }).steps;
  } catch {
    throw new UserError(`${run}: no run.json; run the pipeline first (e.g. make corpus)`);
  }
  const matches = steps.filter((s) => s.stage === stage);
  if (matches.length === 0) throw new UserError(`${run}: the pipeline has no ${stage} step (steps: ${steps.map((s) => s.stage).join(', ')})`);
  if (matches.length > 1) throw new UserError(`${run}: the pipeline has ${matches.length} ${stage} steps (${matches.map((s) => s.dir).join(', ')}); name the folder`);
  return join(run, matches[0].dir);
}
