import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitLines } from '../../datasets/lines.js';
import { collect } from '../helpers.js';

async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

test('lines split across chunk boundaries keep numbers, offsets and drop CR', async () => {
  const lines = await collect(splitLines(chunks('ab\r\ncd', 'e\nf', 'g\n', 'last'), { maxLineBytes: 100 }));
  assert.deepEqual(
    lines.map((l) => [l.number, l.offset, l.bytes.toString()]),
    [[1, 0, 'ab'], [2, 4, 'cde'], [3, 8, 'fg'], [4, 11, 'last']],
  );
});

test('an over-long line is flagged with its full length and only its head kept', async () => {
  const lines = await collect(splitLines(chunks('x'.repeat(50), 'y'.repeat(50), '\nok\n'), { maxLineBytes: 10 }));
  assert.equal(lines.length, 2);
  assert.equal(lines[0].tooLong, true);
  assert.equal(lines[0].length, 100);
  assert.equal(lines[0].bytes.length, 10);
  assert.deepEqual([lines[1].number, lines[1].offset, lines[1].bytes.toString()], [2, 101, 'ok']);
});

test('starting line and offset are honoured for a slice of a file', async () => {
  const lines = await collect(splitLines(chunks('a\nb\n'), { firstLine: 41, startOffset: 1000, maxLineBytes: 10 }));
  assert.deepEqual(lines.map((l) => [l.number, l.offset]), [[41, 1000], [42, 1002]]);
});
