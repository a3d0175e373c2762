import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { ReadItem } from '../../datasets/doc.js';
import type { InputFile, ReaderOptions } from '../../datasets/readerTypes.js';
import { readWarc } from '../../datasets/warc.js';
import { collect, sampleDir, tmp } from '../helpers.js';

const opts: ReaderOptions = { textField: 'text', maxDocBytes: 256 << 20 };
const file = (path: string): InputFile => ({ path, source: path.split('/').pop()!, bytes: readFileSync(path).length });
const docs = (items: ReadItem[]) => items.flatMap((i) => (i.kind === 'doc' ? [i.doc] : []));
const bads = (items: ReadItem[]) => items.flatMap((i) => (i.kind === 'bad' ? [i.bad] : []));

function record(type: string, block: Buffer | string, extra: string[] = []): Buffer {
  const body = Buffer.isBuffer(block) ? block : Buffer.from(block, 'latin1');
  const head = ['WARC/1.0', `WARC-Type: ${type}`, ...extra, `Content-Length: ${body.length}`, '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head), body, Buffer.from('\r\n\r\n')]);
}

function response(uri: string, headers: string, body: Buffer | string): Buffer {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return record('response', Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\n${headers}\r\n\r\n`, 'latin1'), b]), [
    `WARC-Target-URI: ${uri}`,
    `WARC-Record-ID: <urn:uuid:${uri.length}>`,
  ]);
}

test('the sample UDHR WARC.gz gives all 532 pages with URI, record id and charset', async () => {
  const items = await collect(readWarc(file(join(sampleDir, 'udhr', 'udhr.warc.gz')), opts));
  const d = docs(items);
  assert.equal(d.length, 532);
  assert.equal(bads(items).length, 0);
  assert.deepEqual(items.filter((i) => i.kind === 'skip').map((i) => (i as { reason: string }).reason), ['warc-warcinfo']);
  const eng = d.find((x) => x.meta.url === 'https://udhr.sample.invalid/declaration/eng.html')!;
  assert.ok(eng.text.includes('Universal Declaration of Human Rights'));
  assert.equal(eng.meta.contentType, 'text/html');
  assert.equal(eng.meta.charset, 'utf-8');
  assert.match(String(eng.meta.warcRecordId), /^<urn:uuid:[0-9a-f-]{36}>$/);
  assert.equal(d[0].id, 'udhr.warc.gz#1');
});

test('charset comes from the HTTP header, else from <meta>; chunked and gzip payloads are decoded', async () => {
  const dir = tmp();
  const latin = Buffer.from('<html><head><meta charset="windows-1252"></head><body>caf\xe9 \x93quoted\x94</body></html>', 'latin1');
  const chunked = Buffer.from('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
  const p = join(dir, 'x.warc');
  writeFileSync(
    p,
    Buffer.concat([
      response('http://a/', 'Content-Type: text/html', latin),
      response('http://b/', 'Content-Type: text/plain; charset=iso-8859-1', Buffer.from('na\xefve', 'latin1')),
      response('http://c/', 'Content-Type: text/plain\r\nTransfer-Encoding: chunked', chunked),
      response('http://d/', 'Content-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip', gzipSync('<p>zipped ✓</p>')),
      response('http://e/', 'Content-Type: image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47])),
    ]),
  );
  const items = await collect(readWarc(file(p), opts));
  const d = docs(items);
  assert.ok(d[0].text.includes('café “quoted”'));
  assert.equal(d[0].meta.charset, 'windows-1252');
  assert.equal(d[1].text, 'naïve');
  assert.equal(d[2].text, 'hello world');
  assert.equal(d[3].text, '<p>zipped ✓</p>');
  assert.equal(d.length, 4);
  assert.deepEqual(items.filter((i) => i.kind === 'skip').map((i) => (i as { reason: string }).reason), ['content-type']);
});

test('a broken record is reported with its offset and the reader resyncs on the next record', async () => {
  const dir = tmp();
  const good1 = response('http://one/', 'Content-Type: text/plain', 'first');
  const junk = Buffer.from('garbage that is not a warc header\r\nmore junk\r\n\r\n');
  const good2 = response('http://two/', 'Content-Type: text/plain', 'second');
  const p = join(dir, 'broken.warc.gz');
  writeFileSync(p, Buffer.concat([gzipSync(good1), gzipSync(junk), gzipSync(good2)]));
  const items = await collect(readWarc(file(p), opts));
  assert.deepEqual(docs(items).map((x) => x.text), ['first', 'second']);
  const b = bads(items);
  assert.equal(b.length, 1);
  assert.equal(b[0].reason, 'broken-warc-record');
  assert.equal(b[0].location, `record 1 at byte ${good1.length}`);
});

test('a record cut short by the end of the file is truncated-warc-record', async () => {
  const dir = tmp();
  const whole = Buffer.concat([response('http://one/', 'Content-Type: text/plain', 'first'), response('http://two/', 'Content-Type: text/plain', 'second record body')]);
  const p = join(dir, 'cut.warc');
  writeFileSync(p, whole.subarray(0, whole.length - 12));
  const items = await collect(readWarc(file(p), opts));
  assert.deepEqual(docs(items).map((x) => x.text), ['first']);
  assert.deepEqual(bads(items).map((x) => x.reason), ['truncated-warc-record']);
});

/** 40 text records, one gzip member each (as crawlers write them), and where each member starts. */
function memberFile(n = 40): { bytes: Buffer; starts: number[] } {
  const members = Array.from({ length: n }, (_, i) => gzipSync(response(`http://site/${i}`, 'Content-Type: text/plain', `record number ${i} `.repeat(50 + i))));
  const starts: number[] = [];
  let at = 0;
  for (const m of members) {
    starts.push(at);
    at += m.length;
  }
  return { bytes: Buffer.concat(members), starts };
}

test('a corrupt gzip member in a .warc.gz costs that record only: the reader resyncs at the next member', async () => {
  const { bytes, starts } = memberFile();
  const bad = Buffer.from(bytes);
  for (let k = starts[20] + 30; k < starts[20] + 60; k++) bad[k] ^= 0x5a; // scramble the deflate data of record 20
  const p = join(tmp(), 'members.warc.gz');
  writeFileSync(p, bad);
  const items = await collect(readWarc(file(p), opts));
  const d = docs(items);
  assert.equal(d.length, 39, 'every other record is read');
  assert.deepEqual(d.map((x) => x.id), Array.from({ length: 40 }, (_, i) => `members.warc.gz#${i}`).filter((_, i) => i !== 20), 'ids keep their record numbers');
  assert.ok(d[20].text.startsWith('record number 21 '));
  const b = bads(items);
  assert.deepEqual(b.map((x) => [x.reason, x.location.replace(/ at byte \d+/, '')]), [['corrupt-gzip', 'record 20']]);
  assert.match(b[0].message, new RegExp(`member at compressed byte ${starts[20]}: .*: this record is lost, the next member is read$`));
});

test('a gzip member whose CRC does not match is dropped, not read as garbage; a file cut inside a member ends with truncated-gzip', async () => {
  const { bytes, starts } = memberFile();
  const crc = Buffer.from(bytes);
  crc[starts[6] - 8] ^= 0xff; // the CRC of member 5 sits in the 8 bytes before member 6
  const p = join(tmp(), 'crc.warc.gz');
  writeFileSync(p, crc);
  const items = await collect(readWarc(file(p), opts));
  assert.equal(docs(items).length, 39);
  assert.deepEqual(bads(items).map((x) => [x.reason, x.location.replace(/ at byte \d+/, ''), /CRC or length mismatch/.test(x.message)]), [['corrupt-gzip', 'record 5', true]]);
  const cut = join(tmp(), 'cut.warc.gz');
  writeFileSync(cut, bytes.subarray(0, starts[30] + 40));
  const c = await collect(readWarc(file(cut), opts));
  assert.equal(docs(c).length, 30);
  assert.deepEqual(bads(c).map((x) => [x.reason, x.location.replace(/ at byte \d+/, '')]), [['truncated-gzip', 'record 30']]);
});

test('chunked transfer encoding: a chunk size past the data is a bad record, never chunk framing in the text', async () => {
  const dir = tmp();
  const overrun = Buffer.from('19\r\nThe university president \r\n3e8\r\n criticized the plan.\r\n0\r\n\r\n');
  const notChunked = Buffer.from('already decoded by the crawler');
  const p = join(dir, 'chunks.warc');
  writeFileSync(
    p,
    Buffer.concat([
      response('http://a/', 'Content-Type: text/plain\r\nTransfer-Encoding: chunked', overrun),
      response('http://b/', 'Content-Type: text/plain\r\nTransfer-Encoding: chunked', notChunked),
    ]),
  );
  const items = await collect(readWarc(file(p), opts));
  assert.deepEqual(docs(items).map((x) => x.text), ['already decoded by the crawler']);
  const b = bads(items);
  assert.deepEqual(b.map((x) => [x.reason, x.location.replace(/ at byte \d+/, '')]), [['bad-http-response', 'record 0']]);
  assert.match(b[0].message, /chunked encoding: a chunk of 1000 bytes at payload byte 31 runs past the end \(28 bytes left\)/);
});
