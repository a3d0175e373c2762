// Documents far larger than a batch: each is processed alone, its copies are collected as soon as they are dead,
// and the scores of a huge document are bounded in memory, so peak memory does not grow with their number.
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGzip } from 'node:zlib';
import { parquetRows, runDef, tmp } from '../helpers.js';

/** A .jsonl.gz of `lines` documents of about `mb` MB of English-like text each. */
async function hugeLines(path: string, lines: number, mb: number): Promise<void> {
  const gz = createGzip();
  const done = new Promise<void>((r) => gz.pipe(createWriteStream(path)).on('finish', () => r()));
  const words = 'the quick brown fox jumps over the lazy dog while seven wizards quietly judge boxing matches near old bridges'.split(' ');
  const write = (s: string) => new Promise<void>((r) => (gz.write(s) ? r() : gz.once('drain', () => r())));
  for (let l = 0; l < lines; l++) {
    await write(`{"id":"big-${l}","text":"`);
    let seed = l + 1;
    for (let n = 0; n < mb * 1e6; ) {
      let s = '';
      for (let i = 0; i < 2000; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        s += `${words[seed % words.length]}${seed % 13 === 0 ? '. ' : ' '}${seed % 97 === 0 ? '\\n' : ''}`;
      }
      n += s.length;
      await write(s);
    }
    await write('"}\n');
  }
  gz.end();
  await done;
}

test('three 40 MB documents go through normalize and the quality stages in bounded memory', async () => {
  const dir = tmp();
  await hugeLines(join(dir, 'big.jsonl.gz'), 3, 40);
  const def = { name: 'huge', input: { paths: ['big.jsonl.gz'], idField: 'id' }, steps: [{ stage: 'normalize' }, { stage: 'quality-scores' }, { stage: 'quality' }] };
  const stats = await runDef(def, { out: join(dir, 'out'), cwd: dir, threads: 2 });
  assert.deepEqual(stats.steps.map((s) => s.docsIn), [3, 3, 3]);
  assert.deepEqual(stats.steps[2].dropped, { 'gopher.long-doc': 3 }, 'judged on the whole document');
  // Before: all in flight at once, every copy alive until V8 got round to it (several GB). Now: about 13x one document.
  assert.ok(stats.peakRssBytes < 900e6, `peak RSS ${(stats.peakRssBytes / 1e6).toFixed(0)} MB`);
  const [rejected] = await parquetRows(join(dir, 'out', '03-quality', 'rejected', 'part-00000.parquet'));
  const meta = JSON.parse(String(rejected.meta)) as Record<string, number>;
  assert.equal(meta['quality.scoredWords'], 1_000_000, 'repetition scores come from a bounded prefix, and say so');
  assert.ok(meta['gopher.words'] > 5_000_000, 'word counts cover the whole document');
});
