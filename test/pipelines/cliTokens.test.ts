import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPath, repoRoot, tmp } from '../helpers.js';

function sluice(args: string[], cwd: string, input?: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', input });
}

test('sluice encode / decode: one line of ids per line, round trip, errors with file and line', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'in.txt'), "Hello world\nIt's 2026 — café ☕\n\n");
  const enc = sluice(['encode', '--tokenizer', 'gpt2', 'in.txt'], dir);
  assert.equal(enc.status, 0, enc.stderr);
  assert.equal(enc.stdout.split('\n')[0], '15496 995');
  writeFileSync(join(dir, 'ids.txt'), enc.stdout);
  const dec = sluice(['decode', 'ids.txt'], dir);
  assert.equal(dec.stdout, "Hello world\nIt's 2026 — café ☕\n\n");
  assert.equal(sluice(['encode'], dir, 'Hello world\n').stdout, '15496 995\n', 'stdin without a file');
  writeFileSync(join(dir, 'bad.txt'), '15496\n1 2 99999\n');
  const bad = sluice(['decode', 'bad.txt'], dir);
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, 'sluice: bad.txt:2: token id 99999 is not in tokenizer gpt2 (vocabulary 50257); was the text encoded with another tokenizer?\n');
});

test('a pipeline ending in bpe-train and encode; inspect --verify on its shards', () => {
  const dir = tmp();
  const def = {
    name: 'tok',
    input: { paths: [join(repoRoot, 'data', 'sample', 'brown')] },
    // Ids contain the input's absolute path here, so the split differs per checkout: 5% keeps both sides non-empty.
    validationFraction: 0.05,
    steps: [{ stage: 'normalize' }, { stage: 'bpe-train', vocabSize: 500 }, { stage: 'encode' }],
  };
  writeFileSync(join(dir, 'p.json'), JSON.stringify(def));
  const run = sluice(['run', 'p.json', '--out', 'out', '--quiet'], dir);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /02-bpe-train .*vocabSize 500/);
  assert.match(run.stdout, /03-encode .*trainTokens [\d,]+, valTokens [\d,]+/);
  const inspect = sluice(['inspect', 'out/03-encode/shards', '--verify'], dir);
  assert.equal(inspect.status, 0, inspect.stderr);
  assert.match(inspect.stdout, /verify: 2 checksums match/, 'one train and one validation shard');
  assert.match(inspect.stdout, /first document \(.*brown.jsonl.gz:1\), decoded: "The Fulton County Grand Jury said Friday/);
  assert.match(inspect.stdout, /verify: every token id < 500/);
  const tokens = sluice(['encode', '--tokenizer', 'out/03-encode/shards/tokenizer.json'], dir, 'The jury said\n');
  assert.equal(tokens.status, 0, tokens.stderr);
  assert.match(tokens.stdout, /^\d+( \d+)*\n$/);
});
