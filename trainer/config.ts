// The model and training configuration: one schema each, with documented defaults; unknown keys are errors.
import { z } from 'zod';
import { UserError } from '../datasets/errors.js';
import { formatIssues } from '../datasets/schemaErrors.js';

export const modelSchema = z
  .object({
    vocabSize: z.number().int().min(2).optional().describe('token ids; default: the shards\' tokenizer'),
    contextLength: z.number().int().min(2).default(128).describe('tokens the model attends over (T)'),
    dModel: z.number().int().min(2).default(128).describe('width of the residual stream'),
    nLayers: z.number().int().min(1).default(4).describe('transformer blocks'),
    nHeads: z.number().int().min(1).default(4).describe('attention heads; must divide dModel'),
    mlpHidden: z.number().int().min(1).optional().describe('MLP width; default 4 x dModel (GELU) or 8/3 x dModel rounded to 8 (SwiGLU)'),
    positions: z.enum(['learned', 'rope']).default('learned').describe('learned position embeddings (GPT-2) or rotary (RoPE)'),
    ropeBase: z.number().positive().default(10000).describe('RoPE frequency base'),
    mlp: z.enum(['gelu', 'swiglu']).default('gelu').describe('GELU MLP (GPT-2) or SwiGLU'),
    norm: z.enum(['layernorm', 'rmsnorm']).default('layernorm').describe('LayerNorm (GPT-2) or RMSNorm'),
    normEps: z.number().positive().default(1e-5).describe('epsilon of the norms'),
    bias: z.boolean().default(true).describe('biases in linear layers and LayerNorm (GPT-2: true)'),
    dropout: z.number().min(0).max(0.9).default(0).describe('dropout on embeddings, attention weights and residual branches'),
    initStd: z.number().positive().default(0.02).describe('std of the normal init; residual projections get std / sqrt(2 x nLayers)'),
  })
  .strict();

export const trainSchema = z
  .object({
    shards: z.string().default('out/corpus').describe('a pipeline run folder (its encode step\'s shards) or a shards folder'),
    out: z.string().default('out/train').describe('run folder: checkpoints/, metrics.jsonl, TensorBoard events'),
    backend: z.enum(['cpu', 'webgpu', 'tensorflow', 'tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu', 'wasm']).default('cpu').describe('kernel set: cpu (our WebAssembly SIMD kernels; "wasm" is its old name), webgpu (our WGSL kernels on a GPU) or a TensorFlow.js backend'),
    threads: z.number().int().min(0).default(0).describe('CPU kernel threads (0: every core); the losses do not depend on it'),
    steps: z.number().int().min(1).default(2000).describe('optimizer steps'),
    batchSize: z.number().int().min(1).default(8).describe('sequences per micro-batch'),
    gradAccum: z.number().int().min(1).default(1).describe('micro-batches summed per optimizer step'),
    lr: z.number().positive().default(1e-3).describe('peak learning rate'),
    minLrRatio: z.number().min(0).max(1).default(0.1).describe('cosine decay ends at lr x this'),
    warmupSteps: z.number().int().min(0).default(100).describe('linear warmup from 0 to lr'),
    weightDecay: z.number().min(0).default(0.1).describe('AdamW decoupled decay, on 2-D weights only'),
    beta1: z.number().min(0).max(1).default(0.9),
    beta2: z.number().min(0).max(1).default(0.95),
    eps: z.number().positive().default(1e-8),
    gradClip: z.number().min(0).default(1).describe('clip the global gradient norm to this (0: off)'),
    evalEvery: z.number().int().min(0).default(250).describe('validation loss every N steps (0: only at the end)'),
    evalBatches: z.number().int().min(0).default(0).describe('validation batches per evaluation (0: the whole split)'),
    checkpointEvery: z.number().int().min(0).default(250).describe('checkpoint every N steps (0: only at the end)'),
    keepCheckpoints: z.number().int().min(1).default(3).describe('checkpoints kept (oldest removed)'),
    logEvery: z.number().int().min(1).default(10).describe('metrics line every N steps'),
    seed: z.number().int().default(1337).describe('init, data order and dropout seed'),
    sampleTokens: z.number().int().min(0).default(64).describe('tokens sampled at the end of training'),
  })
  .strict();

export type ModelConfigInput = z.input<typeof modelSchema>;
export type TrainConfigInput = z.input<typeof trainSchema>;
/** A model config with every field resolved (vocabSize and mlpHidden filled in). */
export type ModelConfig = Required<z.output<typeof modelSchema>>;
export type TrainConfig = z.output<typeof trainSchema>;

export const runConfigSchema = z.object({ model: modelSchema.default(modelSchema.parse({})), train: trainSchema.default(trainSchema.parse({})) }).strict();
export type RunConfigInput = z.input<typeof runConfigSchema>;

function parseOrThrow<S extends z.ZodType>(schema: S, raw: unknown, label: string): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const lines = formatIssues(r.error.issues, raw, [], undefined);
  throw new UserError(`${label}: ${lines.join('; ')}`);
}

/** Validates a model config and fills the derived fields; `label` names the source in errors. */
export function resolveModel(raw: unknown, vocabSize: number | undefined, label = 'model config'): ModelConfig {
  const m = parseOrThrow(modelSchema, raw ?? {}, label);
  const vocab = m.vocabSize ?? vocabSize;
  if (vocab === undefined) throw new UserError(`${label}: vocabSize is not set and there is no tokenizer to take it from`);
  if (m.dModel % m.nHeads !== 0) throw new UserError(`${label}: dModel ${m.dModel} is not divisible by nHeads ${m.nHeads}`);
  if (m.positions === 'rope' && (m.dModel / m.nHeads) % 2 !== 0) throw new UserError(`${label}: RoPE needs an even head size, got ${m.dModel / m.nHeads}`);
  const mlpHidden = m.mlpHidden ?? (m.mlp === 'swiglu' ? Math.ceil((8 * m.dModel) / 3 / 8) * 8 : 4 * m.dModel);
  return { ...m, vocabSize: vocab, mlpHidden };
}

export function resolveTrain(raw: unknown, label = 'train config'): TrainConfig {
  return parseOrThrow(trainSchema, raw ?? {}, label);
}

/** A `{ model, train }` file's contents, checked key by key (`run.json: train.lr: expected number, got "x"`). */
export function resolveRunConfig(raw: unknown, label: string): { model: unknown; train: TrainConfig } {
  const r = parseOrThrow(runConfigSchema, raw ?? {}, label);
  return { model: raw && typeof raw === 'object' && 'model' in raw ? (raw as { model: unknown }).model : {}, train: r.train };
}
