// Run report benchmark: `sluice report` on the sample run (out/corpus) and on a synthetic run of 10,000 parts
// (real texts, one document per part), page size, generation time and the time headless Chromium takes to open it.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readDocTable } from '../datasets/docTable.js';
import { findStepFolder } from '../pipelines/runFolder.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = join(root, 'out', 'bench-report');
const PARTS = Number(process.env.BENCH_REPORT_PARTS ?? 10_000);
const PART_BYTES = 4096;

/** PARTS JSONL lines of real sample text, each longer than PART_BYTES, so that each line is one part. */
async function generate(path: string): Promise<void> {
  if (existsSync(path)) return;
  const texts: string[] = [];
  const normalized = await findStepFolder(join(root, 'out', 'corpus'), 'normalize');
  for await (const d of readDocTable(join(normalized, 'part-00000.parquet'))) if (d.text.length > 200) texts.push(d.text);
  if (texts.length === 0) throw new Error('run make corpus first (the benchmark reuses its texts)');
  const out = createWriteStream(path);
  const recent: string[] = [];
  for (let i = 0, t = 0; i < PARTS; i++) {
    let text = '';
    while (Buffer.byteLength(text) <= PART_BYTES) text += `${texts[t++ % texts.length]}\n\n`;
    // Every 7th document repeats one of the last six, so the dedup step has clusters to show.
    if (i % 7 === 6) text = recent[i % 6];
    else recent[i % 6] = text;
    const line = `${JSON.stringify({ id: `r${i}`, text })}\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

function sluice(args: string[]): { stdout: string; wallS: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'dist', 'pipelines', 'cli.js'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`sluice ${args.join(' ')}: ${r.stderr}`);
  return { stdout: r.stdout, wallS: (performance.now() - t0) / 1000 };
}

/** Median time headless Chromium takes to load the page (to the load event), or null without Chromium. */
async function openMs(path: string): Promise<{ ms: number; charts: number } | null> {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!chromium) return null;
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const times: number[] = [];
    let charts = 0;
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage();
      const t0 = performance.now();
      await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
      times.push(performance.now() - t0);
      charts = (await page.evaluate('document.querySelectorAll("svg.chart").length')) as number;
      await page.close();
    }
    return { ms: times.sort((a, b) => a - b)[1], charts };
  } finally {
    await browser.close();
  }
}

interface Row {
  run: string;
  parts: number;
  docs: number;
  kb: number;
  genS: number;
  charts: number;
  open: { ms: number; charts: number } | null;
}

async function measure(label: string, run: string): Promise<Row> {
  const r = sluice(['report', run]);
  const m = /\((\d+) KB, (\d+) charts, ([\d.]+) s\)/.exec(r.stdout);
  if (!m) throw new Error(`unexpected report output: ${r.stdout}`);
  const runJson = JSON.parse((await import('node:fs')).readFileSync(join(run, 'run.json'), 'utf8')) as { parts: unknown[] };
  const stats = JSON.parse((await import('node:fs')).readFileSync(join(run, 'stats.json'), 'utf8')) as { input: { docs: number } };
  return { run: label, parts: runJson.parts.length, docs: stats.input.docs, kb: Number(m[1]), genS: r.wallS, charts: Number(m[2]), open: await openMs(join(run, 'report.html')) };
}

export async function benchReport(): Promise<string> {
  mkdirSync(work, { recursive: true });
  const input = join(work, 'input.jsonl');
  await generate(input);
  const pipeline = join(work, 'pipeline.json');
  const out = join(work, 'run');
  writeFileSync(
    pipeline,
    JSON.stringify({
      name: 'report-bench',
      input: { format: 'jsonl', paths: [input], partBytes: PART_BYTES },
      output: out,
      validationFraction: 0.01,
      steps: [{ stage: 'normalize' }, { stage: 'lang-detect', keep: ['en'] }, { stage: 'quality-scores' }, { stage: 'quality' }, { stage: 'exact-dedup' }, { stage: 'bpe-train', vocabSize: 1024 }, { stage: 'encode', tokenizer: 'bpe-train' }],
    }),
  );
  const ran = existsSync(join(out, 'stats.json')) ? null : sluice(['run', pipeline, '--quiet']);
  const rows = [await measure('sample (out/corpus)', join(root, 'out', 'corpus')), await measure(`synthetic, ${PARTS.toLocaleString('en-US')} parts`, out)];
  const lines = [
    `## run report (\`sluice report\`)${ran ? ` — synthetic run built in ${ran.wallS.toFixed(0)} s` : ''}; input ${(statSync(input).size / 1e6).toFixed(1)} MB`,
    '| run | parts | documents | page KB | charts | generate s | Chromium open ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.run} | ${r.parts.toLocaleString('en-US')} | ${r.docs.toLocaleString('en-US')} | ${r.kb.toLocaleString('en-US')} | ${r.charts} | ${r.genS.toFixed(2)} | ${r.open ? `${r.open.ms.toFixed(0)} (${r.open.charts} charts drawn)` : 'no chromium'} |`),
  ];
  return lines.join('\n');
}
