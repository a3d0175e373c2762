import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import parquet from 'parquetjs-lite';
import type { ReadItem } from '../../datasets/doc.js';
import { readParquet } from '../../datasets/parquet.js';
import type { InputFile, ReaderOptions } from '../../datasets/readerTypes.js';
import { readHtml, readText } from '../../datasets/textFile.js';
import { collect, sampleDir, tmp } from '../helpers.js';

const opts: ReaderOptions = { textField: 'text', maxDocBytes: 256 << 20 };
const file = (path: string): InputFile => ({ path, source: path.split('/').pop()!, bytes: statSync(path).size });
const docs = (items: ReadItem[]) => items.flatMap((i) => (i.kind === 'doc' ? [i.doc] : []));
const bads = (items: ReadItem[]) => items.flatMap((i) => (i.kind === 'bad' ? [i.bad] : []));

test('the sample nlp-corpus Parquet file gives 1,250 documents with row ids and other columns as meta', async () => {
  const items = await collect(readParquet(file(join(sampleDir, 'nlp-corpus', 'nlp-corpus.parquet')), opts));
  const d = docs(items);
  assert.equal(d.length, 1250);
  assert.equal(d[0].id, 'nlp-corpus.parquet#0');
  assert.deepEqual(d[0].meta, { id: 'nlp-0-0', origin: 'nlp-corpus/builds/doc-0.json' });
  assert.match(d[0].text, /^Creakiness and atmosphere this film has/);
});

test('a Parquet file without the text column names the columns and the option to set', async () => {
  const p = join(tmp(), 'notext.parquet');
  const w = await parquet.ParquetWriter.openFile(new parquet.ParquetSchema({ body: { type: 'UTF8' }, n: { type: 'INT64' } }), p);
  await w.appendRow({ body: 'x', n: 1 });
  await w.close();
  const b = bads(await collect(readParquet(file(p), opts)));
  assert.deepEqual(b.map((x) => [x.reason, x.message]), [['missing-text-column', 'no column "text" (columns: body, n); set input.textField']]);
  const d = docs(await collect(readParquet(file(p), { ...opts, textField: 'body' })));
  assert.deepEqual(d.map((x) => [x.text, x.meta.n]), [['x', 1]]);
});

test('a corrupt Parquet file is a bad record, not a crash', async () => {
  const p = join(tmp(), 'corrupt.parquet');
  writeFileSync(p, readFileSync(join(sampleDir, 'nlp-corpus', 'nlp-corpus.parquet')).subarray(0, 5000));
  assert.deepEqual(bads(await collect(readParquet(file(p), opts))).map((x) => x.reason), ['corrupt-parquet']);
});

test('.txt must be UTF-8; .html honours its meta charset', async () => {
  const dir = tmp();
  const t = join(dir, 'a.txt');
  writeFileSync(t, Buffer.from('caf\xe9', 'latin1'));
  assert.deepEqual(bads(await collect(readText(file(t), opts))).map((x) => x.reason), ['invalid-utf8']);
  const h = join(dir, 'a.html');
  writeFileSync(h, Buffer.from('<meta charset=iso-8859-1><p>caf\xe9</p>', 'latin1'));
  const [d] = docs(await collect(readHtml(file(h), opts)));
  assert.equal(d.text, '<meta charset=iso-8859-1><p>café</p>');
  assert.equal(d.meta.contentType, 'text/html');
});

test('one-document files: empty and over-large files are bad records, for .txt, .html and e-mail alike', async () => {
  const dir = tmp();
  const { readEmail } = await import('../../datasets/email.js');
  writeFileSync(join(dir, 'e.txt'), '');
  writeFileSync(join(dir, 'big.html'), '<p>'.padEnd(5000, 'x'));
  writeFileSync(join(dir, 'm.eml'), '');
  assert.deepEqual(bads(await collect(readText(file(join(dir, 'e.txt')), opts))).map((x) => x.reason), ['empty-file']);
  assert.deepEqual(bads(await collect(readEmail(file(join(dir, 'm.eml')), opts))).map((x) => x.reason), ['empty-file']);
  const big = bads(await collect(readHtml(file(join(dir, 'big.html')), { ...opts, maxDocBytes: 1000 })));
  assert.deepEqual(big.map((x) => [x.reason, x.message]), [['too-large', 'file of 5000 bytes is over maxDocBytes (1000); raise input.maxDocBytes']]);
});

test('an unreadable document-table part names the file and the step to rerun', async () => {
  const { readDocTable } = await import('../../datasets/docTable.js');
  const dir = join(tmp(), '03-lang-detect');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir);
  const p = join(dir, 'part-00000.parquet');
  writeFileSync(p, 'not parquet at all');
  await assert.rejects(collect(readDocTable(p)), { message: new RegExp(`^${p.replace(/[.]/g, '\\.')}: unreadable at row 0 \\(.*\\); rerun the step that wrote it: sluice run <pipeline> --from-stage lang-detect$`) });
});
