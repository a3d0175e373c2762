// Dedup benchmarks: MinHash signature speed (one thread, all threads), clustering 1M documents (time,
// peak RSS, bytes per document), and accuracy on near-duplicates made from real text with known Jaccard.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import xxhash from 'xxhash-wasm';
import { readDocTable } from '../datasets/docTable.js';
import { findStepFolder } from '../pipelines/runFolder.js';
import { encodeKeys } from '../pipelines/runners/keysFile.js';
import { bandKey, candidateProbability, jaccard, minhashSignature, permutationSeeds, shingleHashes, uniqueSorted } from '../stages/dedup/minhash.js';
import { dedupNormalize } from '../stages/dedup/normalize.js';
import { minhashDedup, minhashKeys } from '../stages/minhashDedup.js';
import { workerExecArgv } from '../pipelines/workerArgv.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function sampleTexts(): Promise<string[]> {
  const dir = await findStepFolder(join(root, 'out', 'corpus'), 'normalize');
  const texts: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.parquet')).sort()) for await (const d of readDocTable(join(dir, f))) texts.push(d.text);
  return texts;
}

export async function benchSignatures(): Promise<string> {
  const texts = await sampleTexts();
  const mb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
  const o = minhashDedup.options.parse({});
  const state = await minhashDedup.init!(o);
  minhashKeys(texts.slice(0, 200).map((text) => ({ text })), o, state);
  let t0 = performance.now();
  minhashKeys(texts.map((text) => ({ text })), o, state);
  const one = (performance.now() - t0) / 1000;
  const threads = availableParallelism();
  const pool = new Piscina({ filename: new URL('../pipelines/worker.js', import.meta.url).href, minThreads: threads, maxThreads: threads, execArgv: workerExecArgv() });
  const spec = { stage: 'minhash-dedup', options: o, key: 'bench' };
  const batches: { id: string; source: string; text: string; meta: object }[][] = [];
  for (let i = 0; i < texts.length; i += 256) batches.push(texts.slice(i, i + 256).map((text, k) => ({ id: `${i + k}`, source: 'b', text, meta: {} })));
  await Promise.all(batches.slice(0, threads).map((docs) => pool.run({ kind: 'keys', step: spec, docs }))); // warm up each worker
  t0 = performance.now();
  await Promise.all(batches.map((docs) => pool.run({ kind: 'keys', step: spec, docs })));
  const all = (performance.now() - t0) / 1000;
  await pool.destroy();
  return [
    `minhash signatures (5-word shingles, 14 x 8 = 112 hashes) on the ${texts.length} normalized sample documents (${mb.toFixed(1)} MB)`,
    `  1 thread    ${(texts.length / one).toFixed(0).padStart(6)} docs/s  ${(mb / one).toFixed(1).padStart(5)} MB/s`,
    `  ${threads} threads   ${(texts.length / all).toFixed(0).padStart(6)} docs/s  ${(mb / all).toFixed(1).padStart(5)} MB/s  (scaling ${(one / all).toFixed(2)}x)`,
  ].join('\n');
}

/** Writes synthetic keys for `docs` documents: 5% exact copies of an earlier document, 2% sharing one band. */
function syntheticKeys(dir: string, docs: number, parts: number): void {
  mkdirSync(dir, { recursive: true });
  const bands = 14;
  let state = 12345;
  const rand = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  const perPart = Math.ceil(docs / parts);
  const all = new Uint32Array(docs * bands * 2);
  for (let g = 0; g < docs; g++) {
    const r = rand() % 100;
    const src = g > 0 ? rand() % g : 0;
    for (let b = 0; b < bands; b++) {
      const copy = (r < 5 || (r < 7 && b === 3)) && g > 0;
      all[2 * (g * bands + b)] = copy ? all[2 * (src * bands + b)] : rand();
      all[2 * (g * bands + b) + 1] = copy ? all[2 * (src * bands + b) + 1] : rand();
    }
  }
  for (let p = 0; p < parts; p++) {
    const start = p * perPart;
    const rows = Math.min(perPart, docs - start);
    const keys = new Uint32Array(bands * rows * 2);
    for (let r = 0; r < rows; r++) {
      for (let b = 0; b < bands; b++) {
        keys[2 * (b * rows + r)] = all[2 * ((start + r) * bands + b)];
        keys[2 * (b * rows + r) + 1] = all[2 * ((start + r) * bands + b) + 1];
      }
    }
    writeFileSync(join(dir, `part-${p}.bin`), encodeKeys({ columns: bands, rows, keys, valid: new Uint8Array(rows).fill(1) }));
  }
}

export function benchClustering(docs = 1_000_000): string {
  const dir = join(root, 'out', 'bench-dedup', 'keys');
  rmSync(dir, { recursive: true, force: true });
  syntheticKeys(dir, docs, 10);
  const script = `
    import { clusterKeys } from ${JSON.stringify(join(root, 'dist', 'pipelines', 'runners', 'keyClusters.js'))};
    import { peakRssBytes } from ${JSON.stringify(join(root, 'dist', 'datasets', 'peakRss.js'))};
    const parts = Array.from({ length: 10 }, (_, p) => ({ path: ${JSON.stringify(dir)} + '/part-' + p + '.bin', rows: Math.min(${Math.ceil(docs / 10)}, ${docs} - p * ${Math.ceil(docs / 10)}) }));
    const base = process.memoryUsage().rss;
    const t0 = performance.now();
    const r = await clusterKeys(parts, 14);
    const ms = performance.now() - t0;
    console.log(JSON.stringify({ ms, base, peak: peakRssBytes(), clusters: r.clusters, duplicates: r.duplicates, pairs: r.candidatePairs }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const m = JSON.parse(r.stdout) as { ms: number; base: number; peak: number; clusters: number; duplicates: number; pairs: number };
  return [
    `minhash reduce (radix sort per band + union-find) on ${docs.toLocaleString('en-US')} synthetic documents x 14 bands, 10 parts`,
    `  ${(m.ms / 1000).toFixed(2)} s, peak RSS ${(m.peak / 1e6).toFixed(0)} MB (process baseline ${(m.base / 1e6).toFixed(0)} MB), ${((m.peak - m.base) / docs).toFixed(0)} bytes/document above baseline`,
    `  ${m.clusters.toLocaleString('en-US')} clusters, ${m.duplicates.toLocaleString('en-US')} duplicates, ${m.pairs.toLocaleString('en-US')} candidate pairs`,
  ].join('\n');
}

/** Controlled edits of real text; returns the edited words. */
function edit(words: string[], kind: string, rate: number, rnd: () => number, filler: string[]): string[] {
  const out = [...words];
  const n = Math.max(1, Math.round(words.length * rate));
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rnd() * out.length);
    if (kind === 'substitute') out[at] = filler[Math.floor(rnd() * filler.length)];
    else if (kind === 'insert') out.splice(at, 0, filler[Math.floor(rnd() * filler.length)]);
    else if (kind === 'delete') out.splice(at, 1);
  }
  if (kind === 'reorder') {
    const chunk = Math.ceil(out.length / 4);
    const paras = [0, 1, 2, 3].map((i) => out.slice(i * chunk, (i + 1) * chunk));
    return [...paras[2], ...paras[0], ...paras[3], ...paras[1]];
  }
  if (kind === 'boilerplate') return [...out, ...'subscribe to our newsletter for more stories like this one and follow us on social media today'.split(' ').slice(0, Math.round(words.length * rate))];
  return out;
}

export async function benchAccuracy(bands = 14, rows = 8): Promise<string> {
  const { h32Raw } = await xxhash();
  const texts = (await sampleTexts()).map(dedupNormalize).filter((t) => t.split(' ').length >= 300).slice(0, 300);
  const filler = texts.slice(0, 20).join(' ').split(' ');
  let s = 99;
  const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const docs: string[] = [...texts];
  const pairs: [number, number][] = [];
  const kinds = ['substitute', 'insert', 'delete', 'reorder', 'boilerplate'];
  for (let i = 0; i < texts.length; i++) {
    const kind = kinds[i % kinds.length];
    const rate = [0.005, 0.01, 0.02, 0.04, 0.08, 0.15][Math.floor(rnd() * 6)];
    docs.push(edit(texts[i].split(' '), kind, rate, rnd, filler).join(' '));
    pairs.push([i, docs.length - 1]);
  }
  for (let k = 0; k < 3000; k++) {
    const a = Math.floor(rnd() * texts.length);
    const b = Math.floor(rnd() * texts.length);
    if (a !== b) pairs.push([a, b]);
  }
  const seeds = permutationSeeds(bands * rows, 1);
  const sets = docs.map((d) => uniqueSorted(shingleHashes(d, 5, h32Raw)));
  const keys = sets.map((set) => {
    const sig = minhashSignature(set, seeds);
    const out = new Uint32Array(bands * 2);
    for (let b = 0; b < bands; b++) bandKey(sig, b, rows, out, 2 * b);
    return out;
  });
  const candidate = (a: number, b: number): boolean => {
    for (let i = 0; i < bands * 2; i += 2) if (keys[a][i] === keys[b][i] && keys[a][i + 1] === keys[b][i + 1]) return true;
    return false;
  };
  const bins = new Map<number, { n: number; hit: number; expected: number }>();
  let hi = 0;
  let hiHit = 0;
  let lo = 0;
  let loHit = 0;
  for (const [a, b] of pairs) {
    const j = jaccard(sets[a], sets[b]);
    const hit = candidate(a, b);
    if (j >= 0.8) {
      hi++;
      if (hit) hiHit++;
    } else if (j < 0.5) {
      lo++;
      if (hit) loHit++;
    }
    const bin = Math.min(9, Math.floor(j * 10));
    const e = bins.get(bin) ?? { n: 0, hit: 0, expected: 0 };
    e.n++;
    if (hit) e.hit++;
    e.expected += candidateProbability(j, bands, rows);
    bins.set(bin, e);
  }
  const lines = [
    `minhash accuracy: ${texts.length} real sample documents (>= 300 words) + one edited copy each (substitutions, insertions, deletions, reordered paragraphs, appended boilerplate at 0.5-15%) + 3,000 random distinct pairs; ${bands} x ${rows}`,
    `  recall for pairs with Jaccard >= 0.8: ${hiHit}/${hi} = ${(hiHit / Math.max(hi, 1)).toFixed(3)}`,
    `  false-positive rate for pairs with Jaccard < 0.5: ${loHit}/${lo} = ${(loHit / Math.max(lo, 1)).toFixed(4)}`,
    '  observed vs theoretical candidate rate by true Jaccard:',
  ];
  for (const [bin, e] of [...bins.entries()].sort((x, y) => x[0] - y[0])) {
    lines.push(`    J ${(bin / 10).toFixed(1)}-${((bin + 1) / 10).toFixed(1)}  pairs ${String(e.n).padStart(5)}  observed ${(e.hit / e.n).toFixed(3)}  theory ${(e.expected / e.n).toFixed(3)}`);
  }
  return lines.join('\n');
}
