// Loads a pipeline definition by built-in name or from a file (.ts via tsx, .js/.mjs, .json) and validates it.
import { readFile, stat } from 'node:fs/promises';
import { extname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '../datasets/errors.js';
import { validatePipeline, type ResolvedPipeline } from './validate.js';

/** Built-in pipelines, by the name `sluice run NAME` takes; each is `pipelines/NAME.ts`. */
export const BUILTIN_PIPELINES = ['corpus'] as const;

function pickDefinition(mod: Record<string, unknown>): unknown {
  let def: unknown = mod.default ?? mod.pipeline;
  // A CommonJS-style module imported from ESM (or through tsx) nests the default export once more.
  if (def && typeof def === 'object' && 'default' in def && !('steps' in def)) def = (def as { default: unknown }).default;
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
  let mod: Record<string, unknown>;
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(pathToFileURL(abs).href, import.meta.url)) as Record<string, unknown>;
  } else if (ext === '.js' || ext === '.mjs' || ext === '.cjs') {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } else {
    throw new UserError(`${label}: a pipeline file must be .ts, .js, .mjs or .json`);
  }
  const def = pickDefinition(mod);
  if (def === undefined) throw new UserError(`${label}: the module has no default export (export default definePipeline({...}))`);
  return def;
}

export interface LoadedPipeline {
  pipeline: ResolvedPipeline;
  /** How errors and logs name the definition, e.g. `pipelines/corpus.ts`. */
  label: string;
}

export async function loadPipeline(ref: string, cwd: string): Promise<LoadedPipeline> {
  const abs = resolve(cwd, ref);
  const isFile = await stat(abs).then((s) => s.isFile()).catch(() => false);
  if (!isFile) {
    if ((BUILTIN_PIPELINES as readonly string[]).includes(ref)) {
      const url = new URL(`./${ref}.js`, import.meta.url);
      const mod = (await import(url.href)) as Record<string, unknown>;
      const label = `pipelines/${ref}.ts`;
      return { pipeline: validatePipeline(pickDefinition(mod), label), label };
    }
    throw new UserError(`pipeline ${ref}: no such file and no built-in pipeline of that name (built-in: ${BUILTIN_PIPELINES.join(', ')})`);
  }
  const label = relative(cwd, abs).startsWith('..') ? abs : relative(cwd, abs);
  return { pipeline: validatePipeline(await importFile(abs, label), label), label };
}

/** Folder of the compiled built-in pipelines (for messages). */
export const builtinDir = fileURLToPath(new URL('.', import.meta.url));
