// Flags for worker threads: the parent's, plus require(esm) turned off where Node has it. piscina first tries
// require() on the worker file, and Node 20's require(esm) path in worker threads sometimes aborts the process
// (module_wrap.cc CreateRequiredModuleFacade assertion); without it piscina falls back to import(), which is sound.
export function workerExecArgv(): string[] {
  const off = '--no-experimental-require-module';
  const has = (process.features as { require_module?: boolean }).require_module === true && process.allowedNodeEnvironmentFlags.has(off);
  return has && !process.execArgv.includes(off) ? [...process.execArgv, off] : [...process.execArgv];
}
