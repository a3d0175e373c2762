// Loads a pipeline definition by built-in name or from a file (.ts via tsx, .js/.mjs, .json), imports the stage
// modules it names, and validates it. Every error names the file and says what to change.
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '../datasets/errors.js';
import { allowSelfImport } from './selfImport.js';
import { importModule, importStageModules } from './stageModules.js';
import { validatePipeline, type ResolvedPipeline } from './validate.js';

/** Built-in pipelines, by the name `sluice run NAME` takes; each is `pipelines/NAME.ts`. */
export const BUILTIN_PIPELINES = ['corpus', 'multilingual'] as const;

function pickDefinition(mod: Record<string, unknown>): unknown {
  let def: unknown = mod.default ?? mod.pipeline;
  // A CommonJS-style module imported from ESM (or through tsx) nests the default export once more; one that has
  // no default export shows up as its own exports object (marked __esModule).
  if (def && typeof def === 'object' && !('steps' in def)) {
    const inner = def as { default?: unknown; pipeline?: unknown; __esModule?: unknown };
    if ('default' in inner) def = inner.default;
    else if ('__esModule' in inner) def = inner.pipeline;
  }
  return def;
}

async function importFile(abs: string, label: string): Promise<unknown> {
  const ext = extname(abs);
  if (ext === '.json') {
    try {
      return JSON.parse(await readFile(abs, 'utf8'));
    } catch (e) {
      throw new UserError(`${label}: invalid JSON (${(e as Error).message})`);
    }
  }
  if (!['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].includes(ext)) throw new UserError(`${label}: a pipeline file must be .ts, .js, .mjs or .json`);
  allowSelfImport();
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(pathToFileURL(abs).href);
  } catch (e) {
    throw new UserError(`${label}: the definition could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
  const def = pickDefinition(mod);
  if (def === undefined) throw new UserError(`${label}: the module has no default export (export default definePipeline({...}))`);
  return def;
}

/** The definition's stage modules as file URLs, resolved against the definition's folder. */
function stageModuleUrls(def: unknown, baseDir: string, label: string): string[] {
  const list = (def as { stageModules?: unknown } | null)?.stageModules;
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.some((m) => typeof m !== 'string')) throw new UserError(`${label}: stageModules: expected an array of module paths`);
  return (list as string[]).map((m) => pathToFileURL(resolve(baseDir, m)).href);
}

export interface LoadedPipeline {
  pipeline: ResolvedPipeline;
  /** How errors and logs name the definition, e.g. `pipelines/corpus.ts`. */
  label: string;
}

/** Validates a definition already in memory; its stage modules resolve against `baseDir`. */
export async function resolveDefinition(def: unknown, label: string, baseDir: string): Promise<ResolvedPipeline> {
  const urls = stageModuleUrls(def, baseDir, label);
  await importStageModules(urls);
  return validatePipeline(def, label, urls);
}

export async function loadPipeline(ref: string, cwd: string): Promise<LoadedPipeline> {
  const abs = resolve(cwd, ref);
  const isFile = await stat(abs).then((s) => s.isFile()).catch(() => false);
  if (!isFile) {
    if ((BUILTIN_PIPELINES as readonly string[]).includes(ref)) {
      const url = new URL(`./${ref}.js`, import.meta.url);
      const mod = (await import(url.href)) as Record<string, unknown>;
      const label = `pipelines/${ref}.ts`;
      return { pipeline: await resolveDefinition(pickDefinition(mod), label, fileURLToPath(new URL('.', url))), label };
    }
    throw new UserError(`pipeline ${ref}: no such file and no built-in pipeline of that name (built-in: ${BUILTIN_PIPELINES.join(', ')})`);
  }
  const label = relative(cwd, abs).startsWith('..') ? abs : relative(cwd, abs);
  return { pipeline: await resolveDefinition(await importFile(abs, label), label, dirname(abs)), label };
}
