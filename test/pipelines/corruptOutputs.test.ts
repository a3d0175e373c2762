// A damaged file inside a finished step is never reused: every file a corpus-wide step writes is in its manifest
// with a checksum, a rerun finds the damage, redoes that step, and ends with the bytes of an undamaged run.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, runDef, tmp, treeDigest } from '../helpers.js';

const def = {
  name: 'corrupt',
  input: { paths: [join(repoRoot, 'data', 'sample', 'brown')] },
  validationFraction: 0.05,
  steps: [{ stage: 'normalize' }, { stage: 'exact-dedup' }, { stage: 'minhash-dedup' }, { stage: 'bpe-train', vocabSize: 400 }, { stage: 'encode' }],
};
const outputs = (d: string) => new Map([...treeDigest(d)].filter(([k]) => k !== 'run.json'));

const ref = tmp();
const built = runDef(def, { out: ref, threads: 2 });

function flipByte(path: string): void {
  const b = readFileSync(path);
  b[Math.floor(b.length / 2)] ^= 0x01;
  writeFileSync(path, b);
}

for (const [file, step] of [
  ['04-bpe-train/tokenizer.json', '04-bpe-train'],
  ['05-encode/shards/train-00000.arrow', '05-encode'],
  ['03-minhash-dedup/clusters.bin', '03-minhash-dedup'],
  ['02-exact-dedup/keys/part-00000.bin', '02-exact-dedup'],
] as const) {
  test(`a flipped byte in ${file} is found on the next run: ${step} is redone, the output equals an undamaged run`, async () => {
    await built;
    const out = tmp();
    cpSync(ref, out, { recursive: true });
    flipByte(join(out, file));
    const stats = await runDef(def, { out, threads: 2 });
    const reused = Object.fromEntries(stats.steps.map((s) => [s.dir, s.reused]));
    assert.equal(reused[step], false, `${step} was not reused`);
    assert.deepEqual(outputs(out), outputs(ref));
  });
}

test('--from-stage refuses to build on a damaged file of an earlier step and names it', async () => {
  await built;
  const out = tmp();
  cpSync(ref, out, { recursive: true });
  flipByte(join(out, '04-bpe-train', 'vocab.txt'));
  await assert.rejects(runDef(def, { out, fromStage: 'encode' }), {
    message: new RegExp(`^--from-stage encode: cannot reuse upstream output: 04-bpe-train is corrupt: ${join(out, '04-bpe-train', 'vocab.txt').replace(/[.]/g, '\\.')} does not match its checksum\\.\\nRerun from that step \\(--from-stage bpe-train\\)`),
  });
});
