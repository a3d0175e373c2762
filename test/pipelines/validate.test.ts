import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validatePipeline } from '../../pipelines/validate.js';

const ok = { name: 'x', input: { paths: ['a.jsonl'] }, steps: [{ stage: 'normalize' }, { stage: 'passthrough' }] };

test('defaults fill every option and step folders are numbered', () => {
  const p = validatePipeline(ok, 'pipelines/x.ts');
  assert.deepEqual(p.steps.map((s) => s.dir), ['01-normalize', '02-passthrough']);
  assert.deepEqual(p.steps[0].options, { unicode: 'NFC', stripControl: true, collapseBlankLines: true, widthFold: false, minChars: 1, maxChars: 0 });
  assert.equal(p.input.format, 'auto');
  assert.equal(p.batchDocs, 512);
});

test('a bad option value names the file and the path of the key', () => {
  const def = { ...ok, steps: [{ stage: 'passthrough' }, { stage: 'passthrough' }, { stage: 'normalize', minChars: 'ten' }] };
  assert.throws(() => validatePipeline(def, 'pipelines/x.ts'), { message: 'pipelines/x.ts: steps[2].minChars: expected number, got "ten"' });
});

test('unknown stage options, unknown stages and unknown top-level keys are errors naming the key', () => {
  assert.throws(() => validatePipeline({ ...ok, steps: [{ stage: 'normalize', minChar: 3 }] }, 'p.json'), {
    message: 'p.json: steps[0]: unknown option "minChar" (valid: unicode, stripControl, collapseBlankLines, widthFold, minChars, maxChars)',
  });
  assert.throws(() => validatePipeline({ ...ok, steps: [{ stage: 'html-strp' }] }, 'p.json'), {
    message: 'p.json: steps[0].stage: unknown stage "html-strp" (stages: html-strip, lang-detect, lang-share, normalize, passthrough, quality-scores, quality, exact-dedup, minhash-dedup, bpe-train, encode)',
  });
  assert.throws(() => validatePipeline({ ...ok, thread: 2 }, 'p.json'), {
    message: 'p.json: unknown key "thread" (valid: name, description, input, output, batchDocs, batchBytes, validationFraction, stageModules, steps)',
  });
  assert.throws(() => validatePipeline({ ...ok, input: { paths: [], colour: 1 } }, 'p.json'), { message: /^p\.json: input: unknown key "colour" \(valid: format, paths, / });
  assert.throws(() => validatePipeline({ ...ok, input: { paths: 'a.jsonl' } }, 'p.json'), { message: 'p.json: input.paths: expected array, got "a.jsonl"' });
  assert.throws(() => validatePipeline({ ...ok, steps: [{ stage: 'normalize', unicode: 'NFD' }] }, 'p.json'), {
    message: 'p.json: steps[0].unicode: expected one of "NFC"|"NFKC"|"none", got "NFD"',
  });
});

test('a stage that needs an earlier one says so', () => {
  assert.throws(() => validatePipeline({ ...ok, steps: [{ stage: 'quality' }] }, 'p.json'), {
    message: 'p.json: steps[0]: stage quality needs quality-scores earlier in the pipeline',
  });
});

test('a corpus-wide stage cannot be the first step', () => {
  assert.throws(() => validatePipeline({ ...ok, steps: [{ stage: 'minhash-dedup' }] }, 'p.json'), {
    message: 'p.json: steps[0]: stage minhash-dedup reads its input twice: put a document step before it (e.g. normalize)',
  });
});

test('the train/validation split is one pipeline setting: every step that splits reads it, none sets its own', () => {
  const steps = [{ stage: 'normalize' }, { stage: 'bpe-train' }, { stage: 'encode' }];
  const p = validatePipeline({ ...ok, validationFraction: 0.25, steps }, 'p.json');
  assert.deepEqual(p.steps.map((s) => s.options.validationFraction), [undefined, 0.25, 0.25]);
  assert.equal(validatePipeline({ ...ok, steps }, 'p.json').steps[2].options.validationFraction, 0.005, 'the default');
  assert.throws(() => validatePipeline({ ...ok, steps: [{ stage: 'normalize' }, { stage: 'bpe-train', validationFraction: 0.1 }, { stage: 'encode' }] }, 'p.json'), {
    message: 'p.json: steps[1].validationFraction: a pipeline setting: set validationFraction once at the top level of the definition, so that every step that splits reads the same value',
  });
});
