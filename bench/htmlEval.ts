// Main-content extraction on html-eval (990 real pages with snippets an extraction must keep and must drop;
// ../shared/data/html-eval/README.md gives the scoring, trafilatura's own): precision, recall and F1 over all
// pages, the tuning half and the held-out half (split by sha1 of the file name), per language, and pages/s and
// MB/s on one thread, for sluice html-strip (each `favor`), Readability (over linkedom) and html-to-text.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
// @ts-expect-error html-to-text ships no types; the benchmark calls convert(html, options) only.
import { convert } from 'html-to-text';
import { decodeText, sniffHtmlCharset } from '../datasets/charset.js';
import { extractMain, joinPageBlocks } from '../stages/html/extractMain.js';
import { parsePage } from '../stages/html/page.js';
import { htmlStrip } from '../stages/htmlStrip.js';
import { detect, langDetect } from '../stages/langDetect.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const HTML_EVAL = process.env.SLUICE_HTML_EVAL ?? join(root, '..', 'shared', 'data', 'html-eval');

export interface EvalPage {
  file: string;
  html: string;
  bytes: number;
  with: string[];
  without: string[];
  split: 'tune' | 'test';
  lang: string;
}

/** Python's whitespace (str.isspace), as trafilatura's scorer normalizes. */
const PY_WS = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
export const norm = (s: string): string => s.replace(PY_WS, ' ').trim();

/** The tuning half: sha1(file name), last byte even (500 pages); the other 490 are held out. */
export const splitOf = (file: string): 'tune' | 'test' => (createHash('sha1').update(file, 'utf8').digest().at(-1)! % 2 === 0 ? 'tune' : 'test');

/** Every page, decoded as the pipeline's readers decode it, with its language (cld3 on the page's visible text). */
export async function loadHtmlEval(): Promise<EvalPage[] | null> {
  if (!existsSync(join(HTML_EVAL, 'evaldata.json'))) return null;
  const data = JSON.parse(readFileSync(join(HTML_EVAL, 'evaldata.json'), 'utf8')) as Record<string, { file: string; with: string[]; without: string[] }>;
  const lo = langDetect.options.parse({});
  const id = await langDetect.init!(lo);
  return Object.values(data).map((v) => {
    const bytes = gunzipSync(readFileSync(join(HTML_EVAL, 'pages', `${v.file}.gz`)));
    const html = decodeText(bytes, sniffHtmlCharset(bytes)).text;
    const page = parsePage(html);
    const lang = detect(id, joinPageBlocks(page.blocks, false).slice(0, 4000), lo).lang.split('-')[0];
    return { file: v.file, html, bytes: bytes.length, with: v.with, without: v.without, split: splitOf(v.file), lang: lang === 'und' ? (page.meta.lang ?? 'und').split('-')[0].toLowerCase() : lang };
  });
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  pages: number;
}

export function score(pages: EvalPage[], texts: string[]): Map<string, Counts> {
  const groups = new Map<string, Counts>();
  const add = (k: string, c: Omit<Counts, 'pages'>) => {
    const g = groups.get(k) ?? { tp: 0, fp: 0, fn: 0, pages: 0 };
    g.tp += c.tp;
    g.fp += c.fp;
    g.fn += c.fn;
    g.pages++;
    groups.set(k, g);
  };
  pages.forEach((p, i) => {
    const t = norm(texts[i] ?? '');
    const tp = p.with.filter((w) => t.includes(norm(w))).length;
    const c = { tp, fn: p.with.length - tp, fp: p.without.filter((w) => t.includes(norm(w))).length };
    add('all', c);
    add(p.split, c);
    add(`lang:${p.lang}`, c);
  });
  return groups;
}

export const prf = (c: Counts) => {
  const p = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0;
  const r = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0;
  return { p, r, f: p + r ? (2 * p * r) / (p + r) : 0 };
};

type Extractor = { label: string; run: (html: string) => string };

async function extractors(): Promise<Extractor[]> {
  const { Readability } = await import('@mozilla/readability');
  const { parseHTML } = await import('linkedom');
  const sluice = (favor: 'precision' | 'balanced' | 'recall'): Extractor => {
    const o = htmlStrip.options.parse({ favor });
    return { label: `sluice html-strip (${favor})`, run: (html) => extractMain(html, o).text };
  };
  return [
    sluice('balanced'),
    sluice('precision'),
    sluice('recall'),
    {
      label: 'Readability 0.6 (linkedom)',
      run: (html) => {
        const { document } = parseHTML(html);
        const a = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
        return a ? `${a.title ?? ''}\n${a.textContent ?? ''}` : '';
      },
    },
    { label: 'html-to-text 10 (all text)', run: (html) => convert(html, { wordwrap: false }) as string },
  ];
}

/** A page an extractor fails on counts as empty output, as the scorer says. */
function safe(run: (html: string) => string, html: string): string {
  try {
    return run(html);
  } catch {
    return '';
  }
}

export async function benchHtmlEval(): Promise<string> {
  const pages = await loadHtmlEval();
  if (!pages) return `html-eval: not found at ${HTML_EVAL} (set SLUICE_HTML_EVAL); skipped`;
  const mb = pages.reduce((n, p) => n + p.bytes, 0) / 1e6;
  const langs = [...new Set(pages.map((p) => p.lang))].map((l) => [l, pages.filter((p) => p.lang === l).length] as const).sort((a, b) => b[1] - a[1]).filter(([, n]) => n >= 5).map(([l]) => l);
  const rows: string[] = [];
  const f3 = (x: number) => x.toFixed(3);
  const list = await extractors();
  // Quality from one pass each; speed as the best of 3 interleaved passes (this machine drifts by 20% or more
  // between passes, and whoever runs first pays for warm-up), Readability once (it takes ten times as long).
  const texts = list.map((ex) => pages.map((p) => safe(ex.run, p.html)));
  const best = list.map(() => Infinity);
  for (let round = 0; round < 3; round++) {
    for (let k = 0; k < list.length; k++) {
      const i = (round + k) % list.length;
      if (round > 0 && list[i].label.startsWith('Readability')) continue;
      const t0 = performance.now();
      for (const p of pages) safe(list[i].run, p.html);
      best[i] = Math.min(best[i], (performance.now() - t0) / 1000);
    }
  }
  list.forEach((ex, i) => {
    const s = best[i];
    const g = score(pages, texts[i]);
    const all = prf(g.get('all')!);
    const per = langs.map((l) => `${l} ${f3(prf(g.get(`lang:${l}`)!).f)}`).join(' ');
    rows.push(`  ${ex.label.padEnd(30)} P ${f3(all.p)} R ${f3(all.r)} F1 ${f3(all.f)} | tune ${f3(prf(g.get('tune')!).f)} held-out ${f3(prf(g.get('test')!).f)} | ${(pages.length / s).toFixed(0).padStart(4)} pages/s ${(mb / s).toFixed(1).padStart(5)} MB/s | ${per}`);
  });
  const counts = langs.map((l) => `${l} ${pages.filter((p) => p.lang === l).length}`).join(', ');
  return [`html-eval: ${pages.length} pages (${mb.toFixed(1)} MB; tune ${pages.filter((p) => p.split === 'tune').length}, held-out ${pages.filter((p) => p.split === 'test').length}; languages with 5+ pages: ${counts}), one thread, speed best of 3 interleaved passes; F1 per language at the end`, ...rows].join('\n');
}
