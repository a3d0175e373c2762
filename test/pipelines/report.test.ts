import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import corpus from '../../pipelines/corpus.js';
import { cliPath, parquetRows, repoRoot, runDef, tmp } from '../helpers.js';

// A real run with every section: spam e-mails (HTML, near-duplicates), UDHR in ~500 languages and the Brown
// corpus through the default pipeline's steps (small vocabulary), then a few training steps on its shards.
const run = tmp();
const built = runDef(
  {
    name: 'report-fixture',
    input: { paths: ['data/sample/email/spam-1', 'data/sample/udhr', 'data/sample/brown'] },
    validationFraction: 0.05,
    // The default pipeline's steps, with a small vocabulary.
    steps: corpus.steps.map((s) => (s.stage === 'bpe-train' ? { ...s, vocabSize: 512 } : s)),
  },
  { out: run, threads: 2, cwd: repoRoot, quiet: true },
);
const training = tmp();
const trained = built.then(() => {
  const args = ['train', '--shards', join(run, '09-encode', 'shards'), '--out', training, '--quiet', '--d-model', '32', '--n-layers', '1', '--n-heads', '2', '--context-length', '32'];
  const r = spawnSync(process.execPath, [cliPath, ...args, '--batch-size', '4', '--steps', '12', '--warmup-steps', '2', '--eval-every', '6', '--eval-batches', '2', '--log-every', '1', '--sample-tokens', '8', '--checkpoint-every', '0'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

function report(dir: string, extra: string[] = []): { html: string; stdout: string; path: string } {
  const r = spawnSync(process.execPath, [cliPath, 'report', dir, ...extra], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = extra.includes('--out') ? extra[extra.indexOf('--out') + 1] : join(dir, 'report.html');
  return { html: readFileSync(out, 'utf8'), stdout: r.stdout, path: out };
}

/** Every figure of the page: data-k (what it is) -> data-v (its value), each key once. */
function figures(html: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of html.matchAll(/data-k="([^"]*)" data-v="([^"]*)"/g)) {
    const key = m[1].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
    assert.ok(!out.has(key) || out.get(key) === Number(m[2]), `${key} shown with two values`);
    out.set(key, Number(m[2]));
  }
  return out;
}

type Step = { dir: string; docsIn: number; docsOut: number; bytesIn: number; bytesOut: number; wallMs: number; dropped: Record<string, number>; extra?: Record<string, number> };

/** What each figure must equal, read straight from the run's own files (nothing shared with the report's code). */
function expectedFrom(runDir: string, trainDir?: string): (key: string) => number | undefined {
  const stats = json(join(runDir, 'stats.json')) as { input: { docs: number; bytes: number; bad: Record<string, number> }; steps: Step[] };
  const step = (dir: string) => stats.steps.find((s) => s.dir === dir);
  const detect = stats.steps.find((s) => s.dir.endsWith('lang-detect'));
  const lastLangs = [...stats.steps].reverse().find((s) => Object.keys(s.extra ?? {}).some((k) => k.startsWith('docs-by-lang.')));
  const shards = json(join(runDir, '09-encode', 'shards', 'manifest.json')) as { totals: Record<string, Record<string, number>> };
  const tok = json(join(runDir, '08-bpe-train', 'tokenizer.json')) as { added_tokens: unknown[]; model: { vocab: object; merges: unknown[] } };
  const lines = trainDir ? readFileSync(join(trainDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>) : [];
  const trains = lines.filter((l) => (l.type as unknown) === 'train');
  const evals = lines.filter((l) => (l.type as unknown) === 'eval');
  const baseline = lines.filter((l) => (l.type as unknown) === 'baseline').at(-1);
  return (key) => {
    let m: RegExpExecArray | null;
    if ((m = /^step\.([^.]+)\.(docsIn|docsOut|bytesIn|bytesOut|wallMs)$/.exec(key))) return step(m[1])?.[m[2] as 'docsIn'];
    if ((m = /^input\.(docs|bytes)$/.exec(key))) return stats.input[m[1] as 'docs'];
    if ((m = /^input\.bad\.(.+)$/.exec(key))) return stats.input.bad[m[1]];
    if (key === 'final.docs') return stats.steps.at(-1)!.docsOut;
    if ((m = /^drop\.([^.]+)\.(.+)$/.exec(key))) return step(m[1])?.dropped[m[2]];
    if ((m = /^quality\.(.+)$/.exec(key))) return step('05-quality')!.dropped[m[1]] ?? 0;
    if ((m = /^lang\.([^.]+)\.(detected|kept|final|finalBytes)$/.exec(key))) {
      const [lang, what] = [m[1], m[2]];
      const from = what === 'detected' ? detect?.extra?.[`lang.${lang}`] : what === 'kept' ? detect?.extra?.[`docs-by-lang.${lang}`] : lastLangs?.extra?.[`${what === 'final' ? 'docs' : 'bytes'}-by-lang.${lang}`];
      return from ?? 0;
    }
    if ((m = /^dedup\.([^.]+)\.(docs|clusters|duplicates)$/.exec(key))) {
      const c = json(join(runDir, m[1], 'clusters.json')) as Record<string, number>;
      return m[2] === 'docs' ? c.rows : c[m[2]];
    }
    if (key === 'tokenizer.vocabSize') return Object.keys(tok.model.vocab).length + tok.added_tokens.length;
    if (key === 'tokenizer.merges') return tok.model.merges.length;
    if ((m = /^shards\.(train|val)\.(docs|tokens|shards)$/.exec(key))) return shards.totals[m[1]][m[2]];
    if (key === 'train.last.step') return trains.at(-1)?.step;
    if (key === 'train.last.loss') return trains.at(-1)?.loss;
    if (key === 'eval.last.valLoss') return evals.at(-1)?.valLoss;
    if ((m = /^eval\.(\d+)\.valLoss$/.exec(key))) return evals.find((e) => e.step === Number(m![1]))?.valLoss;
    if (key === 'baseline.unigramLoss') return baseline?.unigramLoss;
    return undefined;
  };
}

function checkFigures(html: string, expected: (key: string) => number | undefined): Map<string, number> {
  const shown = figures(html);
  for (const [k, v] of shown) {
    const want = expected(k);
    assert.notEqual(want, undefined, `the page shows ${k}, which the run's files do not have`);
    assert.equal(v, want, `${k}: the page says ${v}, the run's files ${want}`);
  }
  return shown;
}

/** A self-contained page: nothing to load or run at view time. */
function assertSelfContained(html: string): void {
  assert.doesNotMatch(html, /<script|<link|<iframe|@import/i);
  assert.doesNotMatch(html, /\s(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i, 'no remote src/href');
  assert.doesNotMatch(html, /url\(\s*["']?(?:https?:)?\/\//i, 'no remote url() in styles');
}

const chartCount = (html: string) => Number(/<body data-charts="(\d+)"/.exec(html)?.[1]);
const svgCharts = (html: string) => [...html.matchAll(/<svg [^>]*class="marks chart"[^>]*>([\s\S]*?)<\/svg>/g)].map((m) => m[1]);

test('sluice report on a pipeline run: every figure equals stats.json, clusters.json, the tokenizer and the shard manifest; one offline page, the same bytes every time', async () => {
  await built;
  const first = report(run);
  assert.match(first.stdout, /^report: .*report\.html \(\d+ KB, \d+ charts, [\d.]+ s\)\n$/);
  const { html } = first;
  const shown = checkFigures(html, expectedFrom(run));
  const stats = json(join(run, 'stats.json')) as { steps: Step[] };
  // The funnel shows every step, and every drop reason of every step is listed with its count.
  for (const s of stats.steps) {
    for (const k of ['docsIn', 'docsOut', 'bytesIn', 'bytesOut', 'wallMs']) assert.ok(shown.has(`step.${s.dir}.${k}`), `step.${s.dir}.${k} missing`);
    for (const reason of Object.keys(s.dropped)) assert.ok(shown.has(`drop.${s.dir}.${reason}`), `drop reason ${s.dir} ${reason} missing`);
  }
  for (const k of ['dedup.06-exact-dedup.clusters', 'dedup.07-minhash-dedup.duplicates', 'tokenizer.vocabSize', 'shards.train.tokens', 'shards.val.docs', 'lang.en.final']) assert.ok(shown.has(k), `${k} missing`);
  assert.ok((shown.get('dedup.07-minhash-dedup.duplicates') ?? 0) + (shown.get('dedup.06-exact-dedup.duplicates') ?? 0) > 0, 'the spam folder has duplicates');
  assert.ok([...shown.keys()].filter((k) => /^lang\..+\.detected$/.test(k)).length > 50, 'UDHR: many languages');
  assert.ok([...shown.keys()].some((k) => k.startsWith('quality.')), 'quality thresholds with their drops');

  // Examples of each drop reason are rejected documents of that step with that reason.
  const quality = stats.steps.find((s) => s.dir === '05-quality')!;
  const rejected = new Map<string, string>();
  const qm = json(join(run, '05-quality', 'manifest.json')) as { parts: { rejected?: { file: string } }[] };
  for (const p of qm.parts) if (p.rejected) for (const r of await parquetRows(join(run, '05-quality', p.rejected.file))) rejected.set(String(r.id), String(r.reason));
  let examples = 0;
  for (const row of html.matchAll(/<tr><td><code>([^<]+)<\/code><\/td><td class="n"><span data-k="drop\.05-quality\.[^"]+"[^>]*>[^<]*<\/span><\/td><td class="n">[^<]*<\/td><td>(.*?)<\/td><\/tr>/g)) {
    for (const id of row[2].matchAll(/<li><code>([^<]+)<\/code>/g)) {
      const unescaped = id[1].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
      assert.equal(rejected.get(unescaped), row[1], `example ${unescaped} of ${row[1]}`);
      examples++;
    }
  }
  assert.ok(examples >= Math.min(3, Object.keys(quality.dropped).length), `${examples} examples checked`);

  // Charts: as many SVGs as the page says, each with marks in it; nothing to fetch or run; deterministic.
  assert.ok(chartCount(html) >= 8, `${chartCount(html)} charts`);
  const svgs = svgCharts(html);
  assert.equal(svgs.length, chartCount(html));
  for (const s of svgs) assert.match(s, /<(path|rect|line)\b[^>]*\b(d|width|x2)="[^"]*[1-9]/, 'a chart with drawn marks');
  assertSelfContained(html);
  assert.ok(Buffer.byteLength(html) < 2_000_000, `${Buffer.byteLength(html)} bytes`);
  assert.equal(report(run).html, html, 'the same run gives the same page');

  // A run that has not finished (no stats.json yet): figures from the manifests, and the page says what is missing.
  const alt = join(tmp(), 'partial.html');
  renameSync(join(run, 'stats.json'), join(run, 'stats.json.away'));
  try {
    const partial = report(run, ['--out', alt]).html;
    assert.match(partial, /no stats\.json \(the run did not finish\)/);
    const m = json(join(run, '05-quality', 'manifest.json')) as { totals: { docsIn: number } };
    assert.equal(figures(partial).get('step.05-quality.docsIn'), m.totals.docsIn);
  } finally {
    renameSync(join(run, 'stats.json.away'), join(run, 'stats.json'));
  }
});

test('sluice report on a training run: losses, evaluations and the unigram baseline from metrics.jsonl, samples, config, and the corpus run it read', async () => {
  await trained;
  const info = json(join(training, 'train.json')) as { pipelineRun: string; shards: string };
  assert.equal(join(training, info.pipelineRun), run.replace(/\/$/, ''));
  const { html } = report(training);
  const shown = checkFigures(html, expectedFrom(run, training));
  for (const k of ['train.last.step', 'train.last.loss', 'eval.6.valLoss', 'eval.12.valLoss', 'baseline.unigramLoss', 'step.09-encode.docsOut', 'shards.train.tokens']) assert.ok(shown.has(k), `${k} missing`);
  assert.equal(shown.get('train.last.step'), 12);
  // The samples written at each evaluation are on the page, in order.
  const samples = readFileSync(join(training, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; step: number; text: string }).filter((l) => l.type === 'sample');
  assert.deepEqual(samples.map((s) => s.step), [6, 12]);
  const shownSamples = [...html.matchAll(/<h3>step (\d+)<\/h3><pre class="sample">/g)].map((m) => Number(m[1]));
  assert.deepEqual(shownSamples, [6, 12]);
  assert.match(html, /<code>model\.dModel<\/code><\/td><td><code>32<\/code>/);
  assert.match(html, /Corpus: Funnel/);
  assert.equal(svgCharts(html).length, chartCount(html));
  assert.ok(chartCount(html) >= 5 + 8);
  assertSelfContained(html);
  writeFileSync(join(training, 'ok'), '');
});

// Headless Chromium (Debian's package): the page opens without errors or requests, and every chart is drawn.
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env.CHROMIUM ?? ''].find((p) => p && existsSync(p));
const required = process.env.SLUICE_REQUIRE_BROWSER === '1';
const skip = !chromium && !required ? 'no chromium here (Debian: apt-get install chromium, or run `make test-browser` as root)' : false;

test('the report in headless Chromium: no console errors, no requests, every chart drawn with a size, opens in under 2 s; screenshot saved', { skip }, async () => {
  assert.ok(chromium, 'SLUICE_REQUIRE_BROWSER=1 but no chromium found');
  await trained;
  const path = join(training, 'report.html');
  if (!existsSync(path)) report(training);
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    const t0 = performance.now();
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    const loadMs = performance.now() - t0;
    // Run in the page (a string: the test's types have no DOM).
    const drawn = (await page.evaluate(`[...document.querySelectorAll('svg.chart')].map((svg) => {
      const r = svg.getBoundingClientRect();
      return { w: r.width, h: r.height, marks: svg.querySelectorAll('path, rect, line, text').length };
    })`)) as { w: number; h: number; marks: number }[];
    const expected = (await page.evaluate('Number(document.body.dataset.charts)')) as number;
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, []);
    assert.ok(expected >= 13, `${expected} charts`);
    assert.equal(drawn.length, expected);
    for (const [i, c] of drawn.entries()) assert.ok(c.w > 100 && c.h > 30 && c.marks > 3, `chart ${i}: ${JSON.stringify(c)}`);
    assert.ok(loadMs < 2000, `opened in ${loadMs.toFixed(0)} ms`);
    const shot = process.env.SLUICE_REPORT_SCREENSHOT ?? join(training, 'report.png');
    await page.screenshot({ path: shot as `${string}.png`, fullPage: true });
    assert.ok(readFileSync(shot).byteLength > 10_000);
    process.stdout.write(`# report screenshot: ${shot} (${drawn.length} charts, opened in ${loadMs.toFixed(0)} ms)\n`);
  } finally {
    await browser.close();
  }
});
