import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Doc, ReadItem } from '../../datasets/doc.js';
import { readEmail } from '../../datasets/email.js';
import type { InputFile, ReaderOptions } from '../../datasets/readerTypes.js';
import { collect, sampleDir, tmp } from '../helpers.js';

const opts: ReaderOptions = { textField: 'text', maxDocBytes: 256 << 20 };
const file = (path: string): InputFile => ({ path, source: path.split('/').pop()!, bytes: readFileSync(path).length });
const docs = (items: ReadItem[]): Doc[] => items.flatMap((i) => (i.kind === 'doc' ? [i.doc] : []));

async function readOne(raw: string | Buffer): Promise<ReadItem[]> {
  const p = join(tmp(), 'm.eml');
  writeFileSync(p, raw);
  return collect(readEmail(file(p), opts));
}

test('real SpamAssassin mails: headers removed, bodies decoded, HTML marked as HTML', async () => {
  const dir = join(sampleDir, 'email', 'spam-2');
  const names = readdirSync(dir).sort().slice(0, 200);
  const all: Doc[] = [];
  const ownHeaders = new Map<string, string[]>();
  for (const n of names) {
    const raw = readFileSync(join(dir, n), 'latin1');
    ownHeaders.set(n, raw.slice(0, raw.search(/\r?\n\r?\n/)).split(/\r?\n/).filter((l) => /^(Return-Path|Delivered-To|Message-Id):/i.test(l)));
    all.push(...docs(await collect(readEmail(file(join(dir, n)), opts))));
  }
  assert.ok(all.length >= 195, `${all.length} of 200 mails have a text part`);
  for (const d of all) {
    // The mail's own header block is gone (some spam bodies quote other mails' headers: those stay).
    for (const h of ownHeaders.get(d.id)!) assert.ok(!d.text.includes(h), `${d.id} still contains ${h}`);
  }
  assert.ok(all.filter((d) => d.meta.contentType === 'text/html').length >= 25);
  assert.ok(all.filter((d) => d.meta.contentType === 'text/plain').length >= 150);
});

test('quoted-printable with a charset, and an RFC 2047 subject', async () => {
  const items = await readOne(
    'From: a@b\r\nSubject: =?utf-8?B?Q2Fmw6kgb3BlbnM=?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 au lait, soft=\r\nbreak.\r\n',
  );
  const [d] = docs(items);
  assert.equal(d.text, 'Café au lait, softbreak.\r\n');
  assert.equal(d.meta.subject, 'Café opens');
  assert.equal(d.meta.contentType, 'text/plain');
});

test('multipart/alternative prefers the plain part; attachments are skipped; base64 decoded', async () => {
  const b64 = Buffer.from('Grüße aus Köln', 'utf8').toString('base64');
  const raw = [
    'From: a@b',
    'Content-Type: multipart/mixed; boundary="OUT"',
    '',
    'preamble',
    '--OUT',
    'Content-Type: multipart/alternative; boundary=IN',
    '',
    '--IN',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64,
    '--IN',
    'Content-Type: text/html',
    '',
    '<p>html version</p>',
    '--IN--',
    '--OUT',
    'Content-Type: application/pdf',
    'Content-Disposition: attachment; filename=x.pdf',
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0xLjQK',
    '--OUT--',
    '',
  ].join('\r\n');
  const [d] = docs(await readOne(raw));
  assert.equal(d.text, 'Grüße aus Köln');
});

test('an HTML-only mail is kept as HTML; a mail with no text part is skipped; junk is not-an-email', async () => {
  const [h] = docs(await readOne('Subject: x\nContent-Type: text/html; charset=us-ascii\n\n<b>Buy</b> now'));
  assert.equal(h.meta.contentType, 'text/html');
  assert.equal(h.text, '<b>Buy</b> now');
  const img = await readOne('Subject: x\nContent-Type: image/gif\nContent-Transfer-Encoding: base64\n\nR0lGOD==\n');
  assert.deepEqual(img, [{ kind: 'skip', reason: 'no-text-part' }]);
  const junk = await readOne(Buffer.from([0, 1, 2, 3, 0xff, 0xfe]));
  assert.equal(junk[0].kind === 'bad' && junk[0].bad.reason, 'not-an-email');
});

/** A mail whose text/plain body is `text`, base64 in 76-character lines, with `edit` applied to the lines. */
function base64Mail(text: string, edit: (lines: string[]) => string[]): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  const lines = b64.match(/.{1,76}/g)!;
  return ['From: a@b.c', 'Subject: s', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', ...edit(lines), ''].join('\r\n');
}

test('base64 with a damaged line garbles that line only; a plain-text footer after base64 stays text', async () => {
  const text = Array.from({ length: 60 }, (_, i) => `Sentence ${i} of a long message body, with ümlauts and more words.`).join('\n');
  const damaged = docs(await readOne(base64Mail(text, (l) => l.map((x, i) => (i === 10 ? x.slice(0, -3) : x)))));
  const got = damaged[0].text;
  assert.ok((got.match(/\ufffd/g) ?? []).length <= 2, 'at most the damaged line is garbled');
  assert.ok(got.includes('Sentence 59 of a long message body'), 'everything after the damaged line decodes');
  assert.ok(got.length > text.length - 10);
  const footer = 'You received this message because you are subscribed to the list.\r\nTo unsubscribe, visit http://list.example/u';
  const withFooter = docs(await readOne(base64Mail(text, (l) => [...l, footer])));
  assert.equal(withFooter[0].text, `${text}\n\n${footer.replace('\r\n', '\n')}`);
});

test('text parts nested deeper than 32 MIME levels are counted as mime-too-deep, not dropped silently', async () => {
  let body = 'Content-Type: text/plain\r\n\r\ndeep text\r\n';
  for (let d = 0; d < 40; d++) body = `Content-Type: multipart/mixed; boundary="b${d}"\r\n\r\n--b${d}\r\n${body}--b${d}--\r\n`;
  const items = await readOne(`From: a@b.c\r\nSubject: deep\r\n${body}`);
  const bad = items.flatMap((i) => (i.kind === 'bad' ? [i.bad] : []));
  assert.deepEqual(bad.map((b) => b.reason), ['mime-too-deep']);
  assert.match(bad[0].message, /nested deeper than 32 MIME levels \(1 left out\)/);
});
