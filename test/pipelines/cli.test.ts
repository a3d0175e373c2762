import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPath, repoRoot, tmp } from '../helpers.js';

function sluice(args: string[], cwd = repoRoot): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8' });
}

test('--help works for every command', () => {
  for (const cmd of [[], ['run'], ['stages'], ['inspect'], ['sample-corpus'], ['train'], ['generate'], ['eval']]) {
    const r = sluice([...cmd, '--help']);
    assert.equal(r.status, 0, cmd.join(' '));
    assert.match(r.stdout, /Options:/);
  }
  assert.match(sluice(['run', '--help']).stdout, /--from-stage[\s\S]*--on-bad-input/);
});

test('unknown CLI options are errors naming the option', () => {
  const r = sluice(['run', 'corpus', '--thread', '2']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'sluice: Unknown argument: thread\n');
});

test('a TypeScript definition with a bad option fails with the file and the key path', () => {
  const dir = tmp();
  writeFileSync(
    join(dir, 'x.ts'),
    "const def: { name: string; steps: object[] } = { name: 'x', steps: [{ stage: 'normalize' }, { stage: 'normalize', minChars: 'ten' as unknown as number }] };\nexport default def;\n",
  );
  const r = sluice(['run', 'x.ts'], dir);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'sluice: x.ts: steps[1].minChars: expected number, got "ten"\n');
  writeFileSync(join(dir, 'y.json'), JSON.stringify({ name: 'y', steps: [{ stage: 'normalize', colour: 'red' }] }));
  assert.equal(sluice(['run', 'y.json'], dir).stderr, 'sluice: y.json: steps[0]: unknown option "colour" (valid: unicode, stripControl, collapseBlankLines, widthFold, minChars, maxChars)\n');
  assert.equal(sluice(['run', 'nope'], dir).stderr, 'sluice: pipeline nope: no such file and no built-in pipeline of that name (built-in: corpus, multilingual)\n');
});

test('a JSON definition runs end to end; inspect summarizes the run, a step and a part file', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'in.jsonl'), '{"text":"Hello  there.\\r\\n"}\n{"text":"  "}\n{"text":"Second document."}\n');
  writeFileSync(join(dir, 'p.json'), JSON.stringify({ name: 'p', input: { paths: ['in.jsonl'] }, steps: [{ stage: 'normalize' }] }));
  const r = sluice(['run', 'p.json', '--out', 'out', '--threads', '1'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /01-normalize\s+3\s+2\s.*empty 1/);
  const run = sluice(['inspect', 'out'], dir);
  assert.match(run.stdout, /01-normalize: complete, 1 parts, 3 -> 2 docs/);
  const step = sluice(['inspect', 'out/01-normalize'], dir);
  assert.match(step.stdout, /stage normalize/);
  assert.match(step.stdout, /dropped: empty 1/);
  const part = sluice(['inspect', 'out/01-normalize/part-00000.parquet', '--rows', '1'], dir);
  assert.match(part.stdout, /rows: 2\n  columns: id \(UTF8\), source \(UTF8\), text \(UTF8\), meta \(UTF8\)/);
  assert.match(part.stdout, /text: Hello there\./);
});

test('sluice stages lists every stage with option types and defaults', () => {
  const r = sluice(['stages']);
  assert.match(r.stdout, /^normalize \(document\): /m);
  assert.match(r.stdout, /^  minChars: integer >= 0 = 1/m);
  assert.match(r.stdout, /^passthrough \(document\): /m);
});

test('no command loads TensorFlow.js unless a TF.js kernel set is asked for', () => {
  const dir = tmp();
  const hook = join(dir, 'watch.cjs');
  // Logs every require of a TensorFlow.js package (the union package loads tfjs-core and its backends through require).
  writeFileSync(hook, "const M = require('module'); const load = M._load; M._load = function (r, ...a) { if (r.startsWith('@tensorflow/')) process.stderr.write('LOADED ' + r + '\\n'); return load.call(this, r, ...a); };\n");
  const loads = (args: string[]) => spawnSync(process.execPath, ['--require', hook, cliPath, ...args], { cwd: repoRoot, encoding: 'utf8' }).stderr.split('\n').filter((l) => l.startsWith('LOADED'));
  for (const cmd of [['stages'], ['run', '--help'], ['inspect', '--help'], ['--help'], ['train', '--help'], ['eval', 'nope']]) assert.deepEqual(loads(cmd), [], cmd.join(' '));
  // the watch works: opening a TF.js kernel set is seen loading it
  const select = join(repoRoot, 'dist', 'trainer', 'kernels', 'select.js');
  const opened = spawnSync(process.execPath, ['--require', hook, '--input-type=module', '-e', `const { openKernels } = await import(${JSON.stringify(select)}); await (await openKernels('tfjs-cpu')).dispose();`], { cwd: repoRoot, encoding: 'utf8' });
  assert.ok(opened.stderr.split('\n').some((l) => l.startsWith('LOADED @tensorflow/')), `the watch sees TensorFlow.js load: ${opened.stderr.slice(0, 300)}`);
});

test('an error thrown as a non-Error value is printed as itself, not as undefined', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'p.mjs'), "throw 'this definition is broken';\n");
  const r = sluice(['run', 'p.mjs'], dir);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'sluice: p.mjs: the definition could not be loaded: this definition is broken\n');
});

test('a .ts definition without a default export, or one that throws on import, is named with the cause', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'nodefault.ts'), "export const pipeline2 = { name: 'x', steps: [{ stage: 'normalize' }] };\n");
  writeFileSync(join(dir, 'throws.ts'), "throw new Error('cannot reach the config server');\nexport default {};\n");
  assert.equal(sluice(['run', 'nodefault.ts'], dir).stderr, 'sluice: nodefault.ts: the module has no default export (export default definePipeline({...}))\n');
  assert.equal(sluice(['run', 'throws.ts'], dir).stderr, 'sluice: throws.ts: the definition could not be loaded: cannot reach the config server\n');
});
