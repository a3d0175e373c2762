import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { ReadItem } from '../../datasets/doc.js';
import { readJsonl } from '../../datasets/jsonl.js';
import type { InputFile, ReaderOptions } from '../../datasets/readerTypes.js';
import { collect, sampleDir, tmp } from '../helpers.js';

const opts: ReaderOptions = { textField: 'text', maxDocBytes: 256 << 20 };

function file(path: string, source = path.split('/').pop()!): InputFile {
  return { path, source, bytes: readFileSync(path).length };
}

function docs(items: ReadItem[]) {
  return items.flatMap((i) => (i.kind === 'doc' ? [i.doc] : []));
}
function bads(items: ReadItem[]) {
  return items.flatMap((i) => (i.kind === 'bad' ? [i.bad] : []));
}

test('reads the Brown corpus JSONL.gz of the sample: 500 texts with ids from file + line', async () => {
  const items = await collect(readJsonl(file(join(sampleDir, 'brown', 'brown.jsonl.gz'), 'brown.jsonl.gz'), opts));
  const d = docs(items);
  assert.equal(d.length, 500);
  assert.equal(bads(items).length, 0);
  assert.equal(d[0].id, 'brown.jsonl.gz:1');
  assert.equal(d[0].meta.category, 'news');
  assert.match(d[0].text, /^The Fulton County Grand Jury said Friday/);
});

test('idField and textField are configurable; other fields become meta', async () => {
  const dir = tmp();
  const p = join(dir, 'x.jsonl');
  writeFileSync(p, '{"body":"hello","key":"k1","n":3,"tags":["a"]}\n');
  const [d] = docs(await collect(readJsonl(file(p), { ...opts, textField: 'body', idField: 'key' })));
  assert.deepEqual(d, { id: 'k1', source: 'x.jsonl', text: 'hello', meta: { n: 3, tags: '["a"]' } });
});

test('malformed JSON, invalid UTF-8, non-object and missing text field are bad records with their line', async () => {
  const dir = tmp();
  const p = join(dir, 'bad.jsonl');
  const lines = [
    Buffer.from('{"text":"ok one"}'),
    Buffer.from('{"text": "unterminated'),
    Buffer.concat([Buffer.from('{"text":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]),
    Buffer.from('[1,2]'),
    Buffer.from('{"body":"no text field"}'),
    Buffer.from(''),
    Buffer.from('{"text":"ok two"}'),
  ];
  writeFileSync(p, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
  const items = await collect(readJsonl(file(p), opts));
  assert.deepEqual(docs(items).map((d) => [d.id, d.text]), [['bad.jsonl:1', 'ok one'], ['bad.jsonl:7', 'ok two']]);
  assert.deepEqual(bads(items).map((b) => [b.location, b.reason]), [
    ['line 2', 'invalid-json'],
    ['line 3', 'invalid-utf8'],
    ['line 4', 'not-an-object'],
    ['line 5', 'missing-text-field'],
  ]);
  assert.match(bads(items)[1].message, /invalid UTF-8 at byte 12 of the line/);
  assert.deepEqual(bads(items)[1].raw, lines[2]); // the raw bytes are kept for rejected/
  assert.match(bads(items)[3].message, /no string field "text" \(fields: body\); set input.textField/);
});

test('a truncated gzip keeps the lines before the cut and reports where it stopped', async () => {
  const dir = tmp();
  const full = gzipSync(Array.from({ length: 2000 }, (_, i) => JSON.stringify({ text: `document number ${i} `.repeat(20) })).join('\n'));
  const p = join(dir, 'cut.jsonl.gz');
  writeFileSync(p, full.subarray(0, Math.floor(full.length / 2)));
  const items = await collect(readJsonl(file(p), opts));
  const d = docs(items);
  const b = bads(items);
  assert.ok(d.length > 100 && d.length < 2000, `read ${d.length} docs before the cut`);
  assert.equal(b.length, 1);
  assert.equal(b[0].reason, 'truncated-gzip');
  assert.equal(b[0].location, `line ${d.length + 1}`);
  assert.match(b[0].message, /truncated gzip after \d+ decompressed bytes/);
});

test('an empty file is a bad record, not silence', async () => {
  const dir = tmp();
  const p = join(dir, 'empty.jsonl');
  writeFileSync(p, '');
  assert.deepEqual(bads(await collect(readJsonl(file(p), opts))).map((b) => b.reason), ['empty-file']);
});

test('a 50 MB single document is read intact; one over maxDocBytes is rejected as too-large', async () => {
  const dir = tmp();
  const p = join(dir, 'big.jsonl');
  const text = 'lorem ipsum dolor sit amet '.repeat(2_000_000).slice(0, 50_000_000);
  writeFileSync(p, `${JSON.stringify({ text })}\n{"text":"after"}\n`);
  const d = docs(await collect(readJsonl(file(p), opts)));
  assert.equal(d.length, 2);
  assert.equal(d[0].text.length, 50_000_000);
  assert.equal(d[1].id, 'big.jsonl:2');
  const items = await collect(readJsonl(file(p), { ...opts, maxDocBytes: 1 << 20 }));
  assert.deepEqual(bads(items).map((b) => [b.location, b.reason]), [['line 1', 'too-large']]);
  assert.equal(bads(items)[0].raw!.length, 1 << 20);
  assert.equal(docs(items)[0].text, 'after');
});

test('a million spaces inside a document survive unchanged', async () => {
  const dir = tmp();
  const p = join(dir, 'spaces.jsonl');
  writeFileSync(p, `${JSON.stringify({ text: `a${' '.repeat(1_000_000)}b` })}\n`);
  const [d] = docs(await collect(readJsonl(file(p), opts)));
  assert.equal(d.text.length, 1_000_002);
});

test('a UTF-8 byte order mark at the start of the file is not data (as JSON readers treat it)', async () => {
  const p = join(tmp(), 'bom.jsonl');
  writeFileSync(p, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"text":"first"}\n{"text":"second"}\n')]));
  const items = await collect(readJsonl(file(p), opts));
  assert.deepEqual(docs(items).map((d) => d.text), ['first', 'second']);
  assert.deepEqual(bads(items), []);
});
