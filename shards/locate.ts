// Finds shards by name, never by a step's position: a shards folder is itself; a pipeline run folder gives the
// shards of its last step that wrote some (run.json lists the steps in order).
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../datasets/errors.js';
import { SHARD_MANIFEST_FORMAT, SHARDS_DIR } from './manifest.js';

async function isShardsFolder(dir: string): Promise<boolean> {
  try {
    return (JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { format?: string }).format === SHARD_MANIFEST_FORMAT;
  } catch {
    return false;
  }
}

/** Step folders of a run folder, in pipeline order (run.json), else every subfolder in name order. */
async function stepFolders(run: string): Promise<string[]> {
  try {
    const r = JSON.parse(await readFile(join(run, 'run.json'), 'utf8')) as { steps?: { dir: string }[] };
    if (Array.isArray(r.steps)) return r.steps.map((s) => s.dir);
  } catch {
    // not a run folder written by `sluice run`: look at every subfolder
  }
  return (await readdir(run, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** The shards folder that `path` names: itself, or the newest shards of a run folder. */
export async function findShards(path: string): Promise<string> {
  const dir = resolve(path);
  if (await isShardsFolder(dir)) return dir;
  for (const step of (await stepFolders(dir)).reverse()) {
    const shards = join(dir, step, SHARDS_DIR);
    if (await isShardsFolder(shards)) return shards;
  }
  throw new UserError(
    `${path}: no token shards here: expected a shards folder (with manifest.json) or a pipeline run folder whose encode step finished ` +
      `(e.g. out/corpus after \`sluice run corpus\`); run the pipeline, or point at its output folder`,
  );
}
