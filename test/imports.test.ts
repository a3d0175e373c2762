// The direction of imports, read from every source file's import lines: datasets <- shards <- stages <- pipelines,
// trainer -> shards, datasets; the only way from pipelines/ to trainer/ is the CLI's lazy import; no cycles.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './helpers.js';

const AREAS = ['datasets', 'shards', 'stages', 'pipelines', 'trainer'] as const;
type Area = (typeof AREAS)[number];

/** What each area may import besides itself. */
const MAY_IMPORT: Record<Area, Area[]> = {
  datasets: [],
  shards: ['datasets'],
  stages: ['shards', 'datasets'],
  pipelines: ['stages', 'shards', 'datasets'],
  trainer: ['shards', 'datasets'],
};

/** Lazy (dynamic) imports allowed across areas: the CLI composes the trainer's commands without loading TensorFlow.js. */
const LAZY_ONLY: { from: string; to: Area }[] = [{ from: 'pipelines/cli.ts', to: 'trainer' }];

export interface Edge {
  from: string;
  to: string;
  lazy: boolean;
}

/** Relative imports of one file (static `import`/`export ... from`, side-effect `import '...'`, and `import('...')`). */
export function importsOf(file: string, source: string): Edge[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const edges: Edge[] = [];
  const add = (spec: string, lazy: boolean) => {
    if (!spec.startsWith('.')) return;
    // AssemblyScript sources (trainer/kernels/wasm) import without an extension
    const to = normalize(join(dirname(file), spec));
    edges.push({ from: file, to: /\.js$/.test(to) ? to.replace(/\.js$/, '.ts') : /\.[a-z]+$/.test(to) ? to : `${to}.ts`, lazy });
  };
  for (const m of code.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]/g)) add(m[1], false);
  for (const m of code.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) add(m[1], false);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) add(m[1], true);
  return edges;
}

const areaOf = (path: string): string => path.split('/')[0];

/** Every edge that breaks the layering, as `from -> to` lines. */
export function wrongWay(edges: Edge[]): string[] {
  const bad: string[] = [];
  for (const e of edges) {
    const [a, b] = [areaOf(e.from), areaOf(e.to)];
    if (a === b || !(AREAS as readonly string[]).includes(a)) continue;
    const lazyOk = e.lazy && LAZY_ONLY.some((l) => l.from === e.from && l.to === b);
    if (!MAY_IMPORT[a as Area].includes(b as Area) && !lazyOk) bad.push(`${e.from} -> ${e.to}${e.lazy ? ' (lazy)' : ''}`);
  }
  return bad;
}

/** The first cycle among static imports, as a list of files, or null. */
export function findCycle(edges: Edge[]): string[] | null {
  const next = new Map<string, string[]>();
  for (const e of edges) if (!e.lazy) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === 'done') return null;
    if (state.get(f) === 'open') return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, 'open');
    stack.push(f);
    for (const t of next.get(f) ?? []) {
      const c = visit(t);
      if (c) return c;
    }
    stack.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of [...next.keys()].sort()) {
    const c = visit(f);
    if (c) return c;
  }
  return null;
}

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(repoRoot, dir)).sort()) {
      const rel = join(dir, name);
      if (statSync(join(repoRoot, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
    }
  };
  for (const a of AREAS) walk(a);
  return out;
}

test('the checker sees a wrong-way import, a circle and a lazy import for what they are', () => {
  const edges = [
    ...importsOf('shards/a.ts', "import { x } from '../stages/b.js';\n"),
    ...importsOf('stages/b.ts', "import type {\n  y,\n} from './c.js';\nexport { z } from '../shards/a.js';\n"),
    ...importsOf('stages/c.ts', "import './b.js';\n// import { no } from '../trainer/t.js';\n"),
    ...importsOf('pipelines/cli.ts', "const t = await import('../trainer/cli.js');\n"),
    ...importsOf('pipelines/x.ts', "const t = await import('../trainer/cli.js');\n"),
  ];
  assert.deepEqual(wrongWay(edges), ['shards/a.ts -> stages/b.ts', 'pipelines/x.ts -> trainer/cli.ts (lazy)']);
  assert.deepEqual(findCycle(edges), ['stages/b.ts', 'stages/c.ts', 'stages/b.ts']);
});

test('imports point one way (datasets <- shards <- stages <- pipelines; trainer -> shards, datasets) and form no cycle', () => {
  const files = sourceFiles();
  assert.ok(files.length > 80, `found ${files.length} source files`);
  const edges = files.flatMap((f) => importsOf(f, readFileSync(join(repoRoot, f), 'utf8')));
  const missing = edges.filter((e) => !files.includes(e.to)).map((e) => `${e.from} -> ${e.to}`);
  assert.deepEqual(missing, [], 'every relative import names a source file');
  assert.deepEqual(wrongWay(edges), []);
  assert.equal(findCycle(edges)?.join(' -> ') ?? null, null);
  const lazy = edges.filter((e) => areaOf(e.from) === 'pipelines' && areaOf(e.to) === 'trainer');
  assert.deepEqual(lazy.map((e) => `${relative('.', e.from)} -> ${e.to} ${e.lazy ? 'lazy' : 'static'}`), ['pipelines/cli.ts -> trainer/cli.ts lazy']);
});
