// The training loop: shards -> micro-batches -> gradients (summed over gradAccum micro-batches) -> global-norm
// clip -> AdamW with warmup + cosine LR; evaluation, metrics and checkpoints on schedule; exact resume.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { writeJsonAtomic } from '../datasets/atomicFile.js';
import { UserError } from '../datasets/errors.js';
import { DataLoader } from '../shards/loader.js';
import { findShards } from '../shards/locate.js';
import { readShardManifest } from '../shards/manifest.js';
import { loadTokenizer } from '../shards/tokenizer/load.js';
import { openKernels } from './kernels/select.js';
import { fromNamed, listCheckpoints, loadCheckpoint, saveCheckpoint, toNamed, type TrainerState } from './checkpoint.js';
import { resolveModel, type ModelConfig, type TrainConfig } from './config.js';
import { evaluate, unigramCounts, unigramEval, validationBatches, type EvalResult } from './evaluate.js';
import { estimateMemory, WASM_BUDGET_BYTES } from './memory.js';
import { Metrics } from './metrics.js';
import { countParams, flopsPerToken, GPT, initParams, paramSpecs } from './model.js';
import { AdamW, clipFactor, learningRate } from './optimizer.js';
import { generate } from './generate.js';

export interface TrainRequest {
  /** Model config as given (checked here); ignored on resume, where the checkpoint's is used. */
  model: unknown;
  train: TrainConfig;
  /** Train keys set explicitly (command line or file): on resume these override the checkpoint's. */
  overrides: Partial<TrainConfig>;
  resume: boolean;
  quiet: boolean;
  cwd: string;
}

export interface TrainResult {
  runDir: string;
  steps: number;
  finalLoss: number | null;
  val: EvalResult | null;
  unigram: EvalResult | null;
  sample: string | null;
  checkpoint: string | null;
  tokensPerSec: number;
}

/** The dropout seed of one micro-batch: a pure function of (seed, counter), so a resumed run draws the same. */
function dropoutSeed(seed: number, counter: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(counter + 1, 0x85ebca6b)) >>> 0;
}

export async function train(req: TrainRequest): Promise<TrainResult> {
  let cfg = req.train;
  const runDir = resolve(req.cwd, cfg.out);
  const warn = (m: string) => process.stderr.write(`sluice: warning: ${m}\n`);
  const existing = await listCheckpoints(runDir);
  if (!req.resume && existing.length > 0) {
    throw new UserError(`${runDir} already holds checkpoints (${existing[existing.length - 1]}): pass --resume to continue that run, or choose another --out`);
  }
  const ckpt = req.resume && existing.length > 0 ? await loadCheckpoint(runDir, warn) : null;
  if (ckpt) cfg = { ...ckpt.state.train, ...req.overrides, out: cfg.out };

  const shards = await findShards(resolve(req.cwd, cfg.shards));
  const manifest = await readShardManifest(shards);
  const modelCfg: ModelConfig = ckpt ? ckpt.model : resolveModel(req.model, manifest.tokenizer.vocabSize);
  if (modelCfg.vocabSize < manifest.tokenizer.vocabSize) throw new UserError(`model vocabSize ${modelCfg.vocabSize} is smaller than the shards' tokenizer (${manifest.tokenizer.vocabSize} ids)`);
  const B = cfg.batchSize;
  const T = modelCfg.contextLength;
  const mem = estimateMemory(modelCfg, B);
  if ((cfg.backend === 'cpu' || cfg.backend === 'wasm') && mem.bytes > WASM_BUDGET_BYTES) {
    throw new UserError(`this config needs about ${(mem.bytes / 2 ** 30).toFixed(2)} GiB for a step (${mem.detail}); the CPU kernels' wasm memory stops at 4 GiB (usable ~${(WASM_BUDGET_BYTES / 2 ** 30).toFixed(2)} GiB): lower batchSize and raise gradAccum to keep the tokens per step, or shrink the model (vocabSize x batchSize x contextLength is the logits' share)`);
  }
  const tokenizerFile = manifest.tokenizer.file ? join(shards, manifest.tokenizer.file) : null;
  if (!tokenizerFile || !existsSync(tokenizerFile)) throw new UserError(`${join(shards, 'manifest.json')}: no tokenizer.json beside the shards; rerun the encode step`);
  await mkdir(runDir, { recursive: true });
  // Where this run's data came from, relative to the run folder (the report links a training run to its corpus).
  const pipelineRun = existsSync(join(shards, '..', '..', 'run.json')) ? relative(runDir, join(shards, '..', '..')) : null;
  await writeJsonAtomic(join(runDir, 'train.json'), { format: 'sluice.train', shards: relative(runDir, shards), pipelineRun, model: modelCfg, train: cfg });

  const kernels = await openKernels(cfg.backend, { threads: cfg.threads });
  const specs = paramSpecs(modelCfg);
  const model = new GPT(modelCfg, kernels, ckpt ? fromNamed(specs, ckpt.params, join(ckpt.dir, 'model.safetensors')) : initParams(modelCfg, cfg.seed));
  const opt = new AdamW(kernels, specs.map((s) => s.shape), cfg);
  if (ckpt) {
    opt.load(fromNamed(specs, ckpt.optimizer.m, join(ckpt.dir, 'optimizer.safetensors')), fromNamed(specs, ckpt.optimizer.v, join(ckpt.dir, 'optimizer.safetensors')), ckpt.optimizer.t);
    await Metrics.truncate(runDir, ckpt.state.step);
  }
  const backend = kernels.describe();
  const loader = await DataLoader.open({ dir: shards, split: 'train', batchSize: B, contextLength: T, seed: cfg.seed });
  if (ckpt) loader.resume(ckpt.state.loader);
  const valBatches = await validationBatches(shards, B, T, cfg.evalBatches);
  const metrics = new Metrics(runDir, cfg.steps, req.quiet);
  const startStep = ckpt ? ckpt.state.step : 0;
  metrics.say(
    `${ckpt ? `resuming from ${ckpt.dir} at step ${startStep}` : `training from scratch${req.resume ? ` (no checkpoint in ${runDir} yet)` : ''}`}: ${countParams(modelCfg).toLocaleString('en-US')} parameters ` +
      `(d ${modelCfg.dModel}, ${modelCfg.nLayers} layers, ${modelCfg.nHeads} heads, context ${T}), ${B} x ${cfg.gradAccum} sequences per step, ` +
      `${loader.stepsPerEpoch * B > 0 ? (loader.windows * T).toLocaleString('en-US') : 0} training tokens, backend ${backend}`,
  );

  let tokensSeen = ckpt ? ckpt.state.tokensSeen : 0;
  let elapsedMs = ckpt ? ckpt.state.elapsedMs : 0;
  let lastLoss: number | null = ckpt ? ckpt.state.lastLoss : null;
  let lastVal: EvalResult | null = null;
  let lastCheckpoint: string | null = ckpt ? ckpt.dir : null;
  let windowStart = performance.now();
  let windowTokens = 0;
  const stepTokens = B * T * cfg.gradAccum;
  const fpt = flopsPerToken(modelCfg, T);
  const state = (step: number): TrainerState => ({
    format: 'sluice.trainer',
    version: 1,
    step,
    tokensSeen,
    rng: { seed: cfg.seed, counter: step * cfg.gradAccum },
    loader: loader.state(),
    train: cfg,
    elapsedMs,
    lastLoss,
  });
  const checkpoint = async (step: number) => {
    lastCheckpoint = await saveCheckpoint(
      runDir,
      { model: modelCfg, params: toNamed(specs, model.values()), optimizer: { t: opt.t, m: toNamed(specs, opt.m.map((b) => kernels.read(b))), v: toNamed(specs, opt.v.map((b) => kernels.read(b))) }, state: state(step), eotId: manifest.tokenizer.eotId },
      tokenizerFile,
      cfg.keepCheckpoints,
    );
  };

  let sample: string | null = null;
  const tok = loadTokenizer(tokenizerFile);
  const eot = manifest.tokenizer.eotId;
  // Seeded by the run's seed: the same run samples the same texts, and sampling draws nothing from training's RNG.
  const drawSample = (): string => tok.decode(generate(model, [eot], { maxTokens: cfg.sampleTokens, temperature: 0.8, topK: 40, topP: 0.95, seed: cfg.seed, stopId: eot }));

  for (let step = startStep; step < cfg.steps; step++) {
    const t0 = performance.now();
    const lr = learningRate(step, cfg);
    let lossSum = 0;
    model.zeroGrad();
    for (let micro = 0; micro < cfg.gradAccum; micro++) {
      const batch = await loader.next();
      const seed = modelCfg.dropout > 0 ? dropoutSeed(cfg.seed, step * cfg.gradAccum + micro) : undefined;
      lossSum += model.forward(batch.tokens, B, T, { dropoutSeed: seed, gradScale: 1 / cfg.gradAccum });
      model.backward();
    }
    const loss = lossSum / cfg.gradAccum;
    if (!Number.isFinite(loss)) throw new UserError(`step ${step + 1}: the loss is ${loss}; lower lr (now ${cfg.lr}) or raise warmupSteps, then resume from the last checkpoint (${lastCheckpoint ?? 'none yet'})`);
    const { norm, scale } = clipFactor(kernels, model.grads, cfg.gradClip);
    opt.step(model.params, model.grads, lr, scale);
    const done = step + 1;
    tokensSeen += stepTokens;
    windowTokens += stepTokens;
    lastLoss = loss;
    elapsedMs += performance.now() - t0;
    const now = performance.now();
    const log = done % cfg.logEvery === 0 || done === cfg.steps;
    const tokensPerSec = (windowTokens * 1000) / Math.max(1, now - windowStart);
    metrics.step({ step: done, loss, lr, gradNorm: norm, tokensPerSec, gflops: (tokensPerSec * fpt) / 1e9, tokensSeen, elapsedSec: elapsedMs / 1000 }, log);
    if (log) {
      windowStart = now;
      windowTokens = 0;
    }
    if ((cfg.evalEvery > 0 && done % cfg.evalEvery === 0) || done === cfg.steps) {
      lastVal = evaluate(model, valBatches, B, T);
      metrics.eval(done, lastVal.loss, lastVal.perplexity, lastVal.tokens);
      if (cfg.sampleTokens > 0) metrics.sample(done, (sample = drawSample()));
    }
    if ((cfg.checkpointEvery > 0 && done % cfg.checkpointEvery === 0) || done === cfg.steps) await checkpoint(done);
  }
  await loader.close();

  let unigram: EvalResult | null = null;
  if (startStep < cfg.steps || !lastVal) {
    lastVal ??= evaluate(model, valBatches, B, T);
    unigram = unigramEval(await unigramCounts(shards, modelCfg.vocabSize), valBatches, B, T);
    metrics.baseline(cfg.steps, unigram.loss, unigram.perplexity, unigram.tokens);
    metrics.say(`validation perplexity ${lastVal.perplexity.toFixed(2)} (loss ${lastVal.loss.toFixed(4)}); unigram model of the training split on the same tokens: ${unigram.perplexity.toFixed(2)} (loss ${unigram.loss.toFixed(4)})`);
    if (cfg.sampleTokens > 0) sample ??= drawSample();
  }
  const tps = (tokensSeen - (ckpt ? ckpt.state.tokensSeen : 0)) / Math.max(1e-9, (elapsedMs - (ckpt ? ckpt.state.elapsedMs : 0)) / 1000);
  metrics.say(`${cfg.steps - startStep} steps in ${((elapsedMs - (ckpt ? ckpt.state.elapsedMs : 0)) / 1000).toFixed(0)} s: ${Math.round(tps).toLocaleString('en-US')} tokens/s, ${((tps * fpt) / 1e9).toFixed(2)} GFLOP/s; checkpoint ${lastCheckpoint ?? 'none'}`);
  await kernels.dispose();
  return { runDir, steps: cfg.steps, finalLoss: lastLoss, val: lastVal, unigram, sample, checkpoint: lastCheckpoint, tokensPerSec: tps };
}

