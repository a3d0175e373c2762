// The encode (sink) step: upstream documents in order -> token ids in the workers -> ShardWriters for the
// train and validation splits, in input order, so the shards are byte-identical whatever the thread count.
// All or nothing: a killed run leaves only complete shard files and no manifest; the next run redoes it.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeJsonAtomic } from '../datasets/atomicFile.js';
import { UserError } from '../datasets/errors.js';
import { SHARD_MANIFEST_FORMAT, type ShardManifest } from '../shards/manifest.js';
import { dtypeFor } from '../shards/format.js';
import { isValidation } from '../shards/split.js';
import { ShardWriter } from '../shards/writer.js';
import { loadTokenizer } from '../stages/bpe/load.js';
import type { EncodedBatch } from '../stages/stage.js';
import type { StepPlan, StepSource, StepStats } from './engine.js';
import type { GlobalContext } from './globalStep.js';
import { checkFile, readJson } from './manifest.js';
import { finishStep, passThroughParts } from './stepManifest.js';
import { forEachBatchResult } from './partBatches.js';
import { Progress } from './progress.js';
import type { SinkTask } from './protocol.js';

const BATCH_DOCS = 256;

/** `bpe-train` names the tokenizer.json of the nearest earlier bpe-train step. */
export function resolveTokenizer(ref: string, step: StepPlan, earlier: StepPlan[]): string {
  if (ref !== 'bpe-train') return ref;
  const train = [...earlier].reverse().find((s) => s.stage === 'bpe-train');
  if (!train) throw new UserError(`${step.dir}: tokenizer "bpe-train" but no bpe-train step comes before it; add one or set tokenizer to "gpt2" or a tokenizer.json path`);
  return join(train.path, 'tokenizer.json');
}

export async function runEncodeStep(ctx: GlobalContext, step: StepPlan, source: StepSource, force: boolean, earlier: StepPlan[]): Promise<StepStats> {
  const t0 = Date.now();
  await ctx.prepareDir(step, force);
  const shardsDir = join(step.path, 'shards');
  const tokenizerRef = resolveTokenizer(String(step.options.tokenizer), step, earlier);
  const options = { ...step.options, tokenizer: tokenizerRef };
  let manifest = await readJson<ShardManifest>(join(shardsDir, 'manifest.json'));
  let intact = manifest?.fingerprint === step.fingerprint;
  for (const s of manifest?.shards ?? []) if (intact && (await checkFile(shardsDir, s)) !== null) intact = false;
  if (!intact) {
    await rm(shardsDir, { recursive: true, force: true });
    await mkdir(shardsDir, { recursive: true });
    const tok = loadTokenizer(tokenizerRef);
    const eotId = tok.special(String(step.options.eotToken));
    const fraction = Number(step.options.validationFraction);
    // Names, not paths, go into the files: the same run in another folder gives the same bytes.
    const tokenizerName = tokenizerRef === 'gpt2' ? 'gpt2' : `${basename(dirname(tokenizerRef))}/tokenizer.json`;
    const meta = { tokenizerHash: tok.hash(), tokenizerName, vocabSize: tok.vocabSize, eotId, pipeline: ctx.pipeline };
    const shardTokens = Number(step.options.shardTokens);
    const writers = { train: new ShardWriter(shardsDir, { ...meta, split: 'train' }, shardTokens), val: new ShardWriter(shardsDir, { ...meta, split: 'val' }, shardTokens) };
    const docsBySplit = { train: 0, val: 0 };
    const pool = ctx.pool();
    const spec = { stage: step.stage, options, key: step.fingerprint };
    const progress = new Progress(`${step.dir} (encode)`, source.manifest.totals.bytesOut, source.manifest.parts.length, process.stderr, ctx.quiet);
    try {
      for (const entry of source.manifest.parts) {
        await forEachBatchResult(
          source,
          entry,
          { batchDocs: BATCH_DOCS, threads: ctx.threads, progress },
          // Only id and text cross the thread boundary; source and meta stay here.
          (docs) => pool.run({ kind: 'sink', step: spec, docs: docs.map((d) => ({ id: d.id, source: '', text: d.text, meta: {} })) } satisfies SinkTask) as Promise<EncodedBatch>,
          async (docs, { values, offsets }) => {
            for (const [i, d] of docs.entries()) {
              const split = isValidation(d.id, fraction) ? 'val' : 'train';
              docsBySplit[split]++;
              await writers[split].add(d.id, d.source, values.subarray(offsets[i], offsets[i + 1]));
            }
          },
        );
        progress.partDone(entry.output.bytes);
      }
    } finally {
      progress.finish();
    }
    const shards = [...(await writers.train.finish()), ...(await writers.val.finish())];
    let tokenizerFile: string | null = null;
    if (tokenizerRef !== 'gpt2') {
      await copyFile(tokenizerRef, join(shardsDir, 'tokenizer.json'));
      tokenizerFile = 'tokenizer.json';
    }
    const total = (split: 'train' | 'val') => ({
      docs: docsBySplit[split],
      tokens: shards.filter((s) => s.split === split).reduce((n, s) => n + s.tokens, 0),
      shards: shards.filter((s) => s.split === split).length,
    });
    manifest = {
      format: SHARD_MANIFEST_FORMAT,
      version: 1,
      pipeline: ctx.pipeline,
      fingerprint: step.fingerprint,
      tokenizer: { name: tokenizerName, hash: meta.tokenizerHash, vocabSize: tok.vocabSize, eotId, dtype: dtypeFor(tok.vocabSize), file: tokenizerFile },
      split: { validationFraction: fraction, rule: 'validation when sha1("split:" + doc_id), first 48 bits / 2^48, is below validationFraction' },
      shards,
      totals: { train: total('train'), val: total('val') },
    };
    await writeJsonAtomic(join(shardsDir, 'manifest.json'), manifest);
  }
  const m = manifest!;
  const { parts, totals } = passThroughParts(step, source);
  const stats = { vocabSize: m.tokenizer.vocabSize, trainTokens: m.totals.train.tokens, valTokens: m.totals.val.tokens, trainDocs: m.totals.train.docs, valDocs: m.totals.val.docs, shards: m.shards.length };
  return finishStep(ctx.pipeline, step, source, parts, totals, stats, t0);
}
