import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { planParts, type InputSpec } from '../../datasets/inputs.js';
import { readPart } from '../../datasets/readPart.js';
import { collect, tmp } from '../helpers.js';

const base: InputSpec = { format: 'auto', paths: [], textField: 'text', maxDocBytes: 1 << 20, partBytes: 64 << 20, partFiles: 100 };

test('a large JSONL file splits into line-aligned parts that together read every line once, with true line numbers', async () => {
  const dir = tmp();
  const lines = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ text: `doc ${i} ${'x'.repeat(i % 97)}` }));
  writeFileSync(join(dir, 'big.jsonl'), `${lines.join('\n')}\n`);
  const parts = await planParts({ ...base, paths: ['big.jsonl'], partBytes: 4096 }, dir);
  assert.ok(parts.length > 10);
  const ids: string[] = [];
  for (const p of parts) {
    for (const item of await collect(readPart(p, base))) if (item.kind === 'doc') ids.push(item.doc.id);
  }
  assert.deepEqual(ids, lines.map((_l, i) => `big.jsonl:${i + 1}`));
});

test('folders expand recursively in sorted order, small files group into parts, formats come from names', async () => {
  const dir = tmp();
  mkdirSync(join(dir, 'mail', 'b'), { recursive: true });
  for (const n of ['2', '1', '3']) writeFileSync(join(dir, 'mail', `${n}.eml`), `Subject: ${n}\n\nbody ${n}\n`);
  writeFileSync(join(dir, 'mail', 'b', '0.eml'), 'Subject: 0\n\nbody\n');
  writeFileSync(join(dir, 'a.txt'), 'text');
  const parts = await planParts({ ...base, paths: ['mail', 'a.txt'], partFiles: 2 }, dir);
  assert.deepEqual(
    parts.map((p) => [p.format, p.files.map((f) => f.source)]),
    [['email', ['mail/1.eml', 'mail/2.eml']], ['email', ['mail/3.eml', 'mail/b/0.eml']], ['text', ['a.txt']]],
  );
});

test('missing paths, empty globs and unknown extensions are errors that say what to change', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'notes.xyz'), 'x');
  await assert.rejects(planParts({ ...base, paths: ['nope.jsonl'] }, dir), { message: `input: nope.jsonl does not exist (relative to ${dir}); check --input or input.paths` });
  await assert.rejects(planParts({ ...base, paths: ['*.warc.gz'] }, dir), { message: `input: no file matches "*.warc.gz" (relative to ${dir}); check --input or input.paths` });
  await assert.rejects(planParts({ ...base, paths: ['notes.xyz'] }, dir), {
    message: 'input: cannot tell the format of notes.xyz from its name; set input.format to one of jsonl, parquet, warc, email, text, html (or --format)',
  });
});
