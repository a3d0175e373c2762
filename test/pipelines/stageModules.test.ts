// A new corpus-wide stage is one file: a stage module named by the pipeline (here TypeScript, outside the repo,
// importing from 'sluice'), loaded in the main thread and in every worker, run by the runner of its kind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPath, repoRoot, tmp } from '../helpers.js';

function sluice(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
}

const LANG_COUNTS = `import { defineArtifactStage } from 'sluice';
import { z } from 'zod';

/** Documents per language over the whole corpus: counted in the workers, summed, written once. */
export const langCounts = defineArtifactStage({
  name: 'lang-counts',
  description: 'Counts documents per meta.lang over the corpus; writes languages.json.',
  kind: 'artifact',
  options: z.object({ field: z.string().default('lang') }).strict(),
  count(docs, o) {
    const counts: Record<string, number> = {};
    for (const d of docs) {
      const k = String(d.meta[o.field] ?? 'und');
      counts[k] = (counts[k] ?? 0) + 1;
    }
    return counts;
  },
  reduce(counts) {
    const sorted = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
    return { files: { 'languages.json': JSON.stringify(sorted) + '\\n' }, stats: { languages: counts.size } };
  },
});
`;

function corpus(dir: string): void {
  const langs = ['en', 'de', 'en', 'fr', 'en', 'de'];
  const lines = Array.from({ length: 600 }, (_, i) => JSON.stringify({ text: `Document number ${i}.`, lang: langs[i % langs.length] }));
  writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
}

test('a corpus-wide artifact stage from a stage module runs in the workers and writes its file; nothing else changes', () => {
  const dir = tmp();
  corpus(dir);
  mkdirSync(join(dir, 'stages'));
  // zod resolves from the repository's node_modules, as it would from a project that installed sluice.
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'stages', 'langCounts.ts'), LANG_COUNTS);
  const def = {
    name: 'langs',
    input: { paths: ['in.jsonl'], partBytes: 8_000 },
    stageModules: ['stages/langCounts.ts'],
    batchDocs: 50,
    steps: [{ stage: 'normalize' }, { stage: 'lang-counts' }],
  };
  writeFileSync(join(dir, 'p.json'), JSON.stringify(def));
  const r = sluice(['run', 'p.json', '--out', 'out', '--threads', '2', '--quiet'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /02-lang-counts +600 +600 .*languages 3/);
  assert.equal(readFileSync(join(dir, 'out', '02-lang-counts', 'languages.json'), 'utf8'), '{"en":300,"de":200,"fr":100}\n');
  const manifest = JSON.parse(readFileSync(join(dir, 'out', '02-lang-counts', 'manifest.json'), 'utf8')) as { parts: unknown[]; reduce: Record<string, number> };
  assert.ok(manifest.parts.length > 1, 'the input was split into several parts');
  assert.equal(manifest.reduce.languages, 3);
  const again = sluice(['run', 'p.json', '--out', 'out', '--quiet'], dir);
  assert.match(again.stdout, /02-lang-counts \(reused\)/);
  assert.match(sluice(['stages'], dir).stdout, /^normalize \(document\)/m, 'built-in stages are unaffected');
});

test('a stage module that is missing, exports no stage, or reuses a built-in name is an error naming the module', () => {
  const dir = tmp();
  corpus(dir);
  const run = (mod: string, src?: string) => {
    if (src !== undefined) writeFileSync(join(dir, mod), src);
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ name: 'x', input: { paths: ['in.jsonl'] }, stageModules: [mod], steps: [{ stage: 'normalize' }] }));
    return sluice(['run', 'p.json', '--out', 'out', '--quiet'], dir).stderr;
  };
  assert.match(run('gone.js'), new RegExp(`^sluice: ${join(dir, 'gone.js')}: the stage module could not be loaded \\(Cannot find module`));
  assert.equal(run('empty.mjs', 'export const x = 1;\n'), `sluice: ${join(dir, 'empty.mjs')}: exports no stage (export a defineStage/defineDedupStage/defineArtifactStage/defineShardStage value)\n`);
  const clash = "import { z } from 'zod';\nexport const s = { name: 'normalize', kind: 'document', description: '', options: z.object({}), run: (d) => ({ kept: [...d], rejected: [] }) };\n";
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'));
  assert.equal(run('clash.mjs', clash), `sluice: ${join(dir, 'clash.mjs')}: stage "normalize" is already defined (a built-in stage); give it another name\n`);
});

test('a pipeline file anywhere can import from "sluice", and the compiler checks it against the stages', () => {
  const dir = tmp();
  corpus(dir);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n'); // an ESM project (the first test's folder is CommonJS)
  writeFileSync(join(dir, 'p.ts'), "import { definePipeline } from 'sluice';\nexport default definePipeline({ name: 'anywhere', input: { paths: ['in.jsonl'] }, steps: [{ stage: 'normalize', minChars: 3 }] });\n");
  const r = sluice(['run', 'p.ts', '--out', 'out', '--quiet'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /01-normalize +600 +600/);
  // Type-checking needs the package where the compiler looks for it, as `npm install sluice` puts it.
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot, join(dir, 'node_modules', 'sluice'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['p.ts', 'bad.ts'] }));
  writeFileSync(join(dir, 'bad.ts'), "import { definePipeline } from 'sluice';\nexport default definePipeline({ name: 'bad', steps: [{ stage: 'normalize', minChar: 3 }, { stage: 'html-strp' }] });\n");
  const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
  assert.equal(tsc.status, 2, 'the compiler rejects bad.ts');
  const errors = tsc.stdout.split('\n').filter((l) => l.includes('error TS'));
  assert.ok(errors.every((l) => l.startsWith('bad.ts')), `only bad.ts has errors:\n${tsc.stdout}`);
  assert.match(tsc.stdout, /minChar/);
  assert.match(tsc.stdout, /html-strp/);
});
