// A pipeline's own stages: modules named in its `stageModules`, imported (TypeScript through tsx) and registered
// in the main thread when the definition loads and in every worker before its first task.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../datasets/errors.js';
import { registerStages } from '../stages/index.js';
import type { Stage } from '../stages/stage.js';
import { allowSelfImport } from './selfImport.js';

/** Imports a JavaScript or TypeScript module by file URL. */
export async function importModule(url: string): Promise<Record<string, unknown>> {
  const ext = extname(fileURLToPath(url));
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}

/** Imports and registers the stages of every module (file URLs); errors name the module. */
export async function importStageModules(urls: readonly string[]): Promise<Stage[]> {
  const stages: Stage[] = [];
  if (urls.length) allowSelfImport();
  for (const url of urls) {
    const where = fileURLToPath(url);
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(url);
    } catch (e) {
      throw new UserError(`${where}: the stage module could not be loaded (${e instanceof Error ? e.message : String(e)})`);
    }
    try {
      stages.push(...registerStages(mod, where));
    } catch (e) {
      throw new UserError((e as Error).message);
    }
  }
  return stages;
}
