// Engine benchmark: pass-through pipeline vs plain read+write of the same JSONL, throughput and peak RSS.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDocTable } from '../datasets/docTable.js';
import { findStepFolder } from '../pipelines/runFolder.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = join(root, 'out', 'bench-engine');

/** A JSONL file of about `bytes` from the real sample texts (Brown via the corpus run), each line a distinct id. */
async function generate(path: string, bytes: number): Promise<void> {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  const texts: string[] = [];
  const normalized = await findStepFolder(join(root, 'out', 'corpus'), 'normalize');
  for await (const d of readDocTable(join(normalized, 'part-00000.parquet'))) texts.push(d.text);
  if (texts.length === 0) throw new Error('run make corpus first (the benchmark reuses its Brown texts)');
  const out = createWriteStream(path);
  let written = 0;
  for (let i = 0; written < bytes; i++) {
    const line = `${JSON.stringify({ id: `g${i}`, text: texts[i % texts.length] })}\n`;
    written += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

interface Measured {
  label: string;
  mbPerS: number;
  wallS: number;
  peakRssMB: number;
}

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'pipelines', 'cli.js'), ...args], { cwd: work, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

export async function benchEngine(totalBytes: number): Promise<Measured[]> {
  rmSync(join(work, 'out'), { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(work, { recursive: true });
  const input = join(work, 'input.jsonl');
  await generate(input, totalBytes);
  const mb = statSync(input).size / 1e6;
  const results: Measured[] = [];
  const plain = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'plainCopy.js'), input, join(work, 'out', 'plain')], { cwd: work, encoding: 'utf8' });
  if (plain.status !== 0) throw new Error(plain.stderr);
  const p = JSON.parse(plain.stdout) as { wallMs: number; peakRssBytes: number };
  results.push({ label: 'plain read+write (1 thread)', mbPerS: mb / (p.wallMs / 1000), wallS: p.wallMs / 1000, peakRssMB: p.peakRssBytes / 1e6 });
  writeFileSync(join(work, 'pass.json'), JSON.stringify({ name: 'pass', input: { paths: ['input.jsonl'] }, steps: [{ stage: 'passthrough' }] }));
  for (const threads of [1, 2]) {
    const out = join(work, 'out', `engine-${threads}`);
    cli(['run', 'pass.json', '--out', out, '--threads', String(threads), '--quiet']);
    const s = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as { wallMs: number; peakRssBytes: number };
    results.push({ label: `engine passthrough (${threads} worker${threads > 1 ? 's' : ''})`, mbPerS: mb / (s.wallMs / 1000), wallS: s.wallMs / 1000, peakRssMB: s.peakRssBytes / 1e6 });
  }
  return results;
}

export function formatEngine(results: Measured[], inputMB: number): string {
  const base = results[0].mbPerS;
  const lines = [`engine overhead on ${inputMB.toFixed(0)} MB of JSONL (MB/s of input; ratio = engine / plain read+write)`];
  for (const r of results) {
    lines.push(`  ${r.label.padEnd(32)} ${r.mbPerS.toFixed(1).padStart(7)} MB/s  ${r.wallS.toFixed(1).padStart(6)} s  peak RSS ${r.peakRssMB.toFixed(0).padStart(5)} MB  ratio ${(r.mbPerS / base).toFixed(2)}`);
  }
  return lines.join('\n');
}
