// Lets a pipeline file or stage module anywhere on disk `import ... from 'sluice'` without installing the package:
// ESM imports through a resolve hook, CommonJS ones (tsx compiles a .ts outside an ESM package to CommonJS)
// through the require resolver. Both map the bare name to this package's public entry.
import { createRequire, register } from 'node:module';
import { fileURLToPath } from 'node:url';

const entry = new URL('./index.js', import.meta.url).href;
let installed = false;

export function allowSelfImport(): void {
  if (installed) return;
  installed = true;
  register(new URL('./selfImportHook.js', import.meta.url), { data: { entry } });
  const Module = createRequire(import.meta.url)('node:module') as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = Module._resolveFilename;
  const path = fileURLToPath(entry);
  Module._resolveFilename = function (request: string, ...rest: unknown[]): string {
    return original.call(this, request === 'sluice' ? path : request, ...rest);
  };
}
