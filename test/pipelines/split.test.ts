// The train/validation split is one pipeline setting: the tokenizer is trained only on documents the shards put in
// the training split, whatever fraction the user sets.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ShardManifest } from '../../shards/manifest.js';
import { tableFromIPC } from 'apache-arrow';
import { runDef, tmp } from '../helpers.js';

/** A word of letters only for document i (digits would split the GPT-2 pre-token). */
const marker = (i: number): string => `marker${[...i.toString(26)].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('')}`;

for (const fraction of [0.3, 0.02]) {
  test(`bpe-train never counts a validation document (validationFraction ${fraction})`, async () => {
    const dir = tmp();
    // Every document carries a word of its own, so the pre-token counts show which documents were read.
    const lines = Array.from({ length: 400 }, (_, i) => JSON.stringify({ id: `doc-${i}`, text: `Shared words in every text, and ${marker(i)} too.` }));
    writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
    const def = { name: 'split', validationFraction: fraction, input: { paths: ['in.jsonl'], idField: 'id' }, steps: [{ stage: 'normalize' }, { stage: 'bpe-train', vocabSize: 300 }, { stage: 'encode' }] };
    await runDef(def, { out: join(dir, 'out'), cwd: dir, threads: 2 });
    const m = JSON.parse(readFileSync(join(dir, 'out', '03-encode', 'shards', 'manifest.json'), 'utf8')) as ShardManifest;
    assert.equal(m.split.validationFraction, fraction);
    const valIds = new Set<string>();
    for (const sh of m.shards.filter((x) => x.split === 'val')) {
      for (const id of tableFromIPC(readFileSync(join(dir, 'out', '03-encode', 'shards', sh.file))).getChild('doc_id')!.toArray() as string[]) valIds.add(id);
    }
    assert.ok(valIds.size > 0 && valIds.size < 400, `${valIds.size} validation documents`);
    const byMarker = new Map(Array.from({ length: 400 }, (_, i) => [` ${marker(i)}`, `doc-${i}`]));
    const seen = new Set<string>();
    for (const f of readdirSync(join(dir, 'out', '02-bpe-train', 'counts')).filter((n) => n.endsWith('.json'))) {
      const c = JSON.parse(readFileSync(join(dir, 'out', '02-bpe-train', 'counts', f), 'utf8')) as { words: string[] };
      for (const w of c.words) if (byMarker.has(w)) seen.add(byMarker.get(w)!);
    }
    for (const id of valIds) assert.ok(!seen.has(id), `${id} is in validation and was counted by bpe-train`);
    assert.equal(seen.size + valIds.size, 400, 'every training document was counted');
  });
}
