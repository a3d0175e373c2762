// A shards step (encode): upstream documents in order -> token ids in the workers -> ShardWriters for the train
// and validation splits, in input order, so the shards are byte-identical whatever the thread count.
// All or nothing: a killed run leaves only complete shard files and no manifest; the next run redoes it.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../datasets/atomicFile.js';
import { readDocTable } from '../../datasets/docTable.js';
import { dtypeFor } from '../../shards/format.js';
import { SHARD_MANIFEST_FORMAT, SHARDS_DIR, type ShardManifest } from '../../shards/manifest.js';
import { SPLIT_RULE, isValidation } from '../../shards/split.js';
import { ShardWriter } from '../../shards/writer.js';
import type { EncodedBatch, ShardStage } from '../../stages/stage.js';
import { batchesOf, inOrder } from '../batches.js';
import { checkFile, fileEntry, readJson } from '../manifest.js';
import type { StepPlan, StepSource } from '../plan.js';
import { Progress } from '../progress.js';
import type { TokensTask } from '../protocol.js';
import { passThroughParts } from '../stepFolder.js';
import { corpusWideRunner } from './corpusWide.js';
import { inFlightOf, type RunContext } from './runner.js';

async function intactShards(dir: string, fingerprint: string): Promise<ShardManifest | undefined> {
  const m = await readJson<ShardManifest>(join(dir, 'manifest.json'));
  if (m?.fingerprint !== fingerprint) return undefined;
  for (const s of m.shards) if ((await checkFile(dir, s)) !== null) return undefined;
  return m;
}

async function writeShards(ctx: RunContext, stage: ShardStage, step: StepPlan, source: StepSource, shardsDir: string): Promise<ShardManifest> {
  await rm(shardsDir, { recursive: true, force: true });
  await mkdir(shardsDir, { recursive: true });
  const tok = stage.tokenizer(step.runOptions);
  const fraction = ctx.pipeline.validationFraction;
  const meta = { tokenizerHash: tok.hash, tokenizerName: tok.name, vocabSize: tok.vocabSize, eotId: tok.eotId, pipeline: ctx.pipeline.name };
  const shardTokens = stage.shardTokens(step.runOptions);
  const writers = { train: new ShardWriter(shardsDir, { ...meta, split: 'train' }, shardTokens), val: new ShardWriter(shardsDir, { ...meta, split: 'val' }, shardTokens) };
  const docsBySplit = { train: 0, val: 0 };
  const pool = ctx.pool();
  const spec = { stage: step.stage, options: step.runOptions, key: step.fingerprint };
  const progress = new Progress(`${step.dir} (encode)`, source.manifest.totals.bytesOut, source.manifest.parts.length, process.stderr, ctx.quiet);
  try {
    for (const entry of source.manifest.parts) {
      await inOrder(
        batchesOf(readDocTable(join(source.step.path, entry.output.file)), ctx.pipeline),
        inFlightOf(ctx),
        (b) => {
          progress.add(b.docs.length, b.bytes);
          // Only id and text cross the thread boundary; source and meta stay here.
          const docs = b.docs.map((d) => ({ id: d.id, source: '', text: d.text, meta: {} }));
          return pool.run({ kind: 'tokens', step: spec, docs } satisfies TokensTask) as Promise<EncodedBatch>;
        },
        async (b, { values, offsets }) => {
          for (const [i, d] of b.docs.entries()) {
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
  if (tok.file) await copyFile(tok.file, join(shardsDir, 'tokenizer.json'));
  const total = (split: 'train' | 'val') => ({
    docs: docsBySplit[split],
    tokens: shards.filter((s) => s.split === split).reduce((n, s) => n + s.tokens, 0),
    shards: shards.filter((s) => s.split === split).length,
  });
  const manifest: ShardManifest = {
    format: SHARD_MANIFEST_FORMAT,
    version: 1,
    pipeline: ctx.pipeline.name,
    fingerprint: step.fingerprint,
    tokenizer: { name: tok.name, hash: tok.hash, vocabSize: tok.vocabSize, eotId: tok.eotId, dtype: dtypeFor(tok.vocabSize), file: tok.file ? 'tokenizer.json' : null },
    split: { validationFraction: fraction, rule: SPLIT_RULE },
    shards,
    totals: { train: total('train'), val: total('val') },
  };
  await writeJsonAtomic(join(shardsDir, 'manifest.json'), manifest);
  return manifest;
}

export const shardsRunner = corpusWideRunner('shards', { recordDirs: [], recordFiles: [] }, async (ctx, stage, step, source) => {
  const shardsDir = join(step.path, SHARDS_DIR);
  const m = (await intactShards(shardsDir, step.fingerprint)) ?? (await writeShards(ctx, stage, step, source, shardsDir));
  const reduce = { vocabSize: m.tokenizer.vocabSize, trainTokens: m.totals.train.tokens, valTokens: m.totals.val.tokens, trainDocs: m.totals.train.docs, valDocs: m.totals.val.docs, shards: m.shards.length };
  const files = [
    ...m.shards.map((s) => ({ file: join(SHARDS_DIR, s.file), rows: s.rows, bytes: s.bytes, sha256: s.sha256 })),
    await fileEntry(step.path, join(SHARDS_DIR, 'manifest.json')),
    ...(m.tokenizer.file ? [await fileEntry(step.path, join(SHARDS_DIR, m.tokenizer.file))] : []),
  ];
  return { ...passThroughParts(step, source), reduce, files };
});
