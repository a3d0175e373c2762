// `sluice train`, `sluice generate <checkpoint>` and `sluice eval <checkpoint>`: every model and training key is a
// flag (kebab-case, from the config schemas), layered over an optional --config JSON file over the defaults.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { z } from 'zod';
import { UserError } from '../datasets/errors.js';
import { loadTokenizer } from '../shards/tokenizer/load.js';
import { KERNEL_SETS, openKernels } from './kernels/select.js';
import { fromNamed, loadCheckpoint } from './checkpoint.js';
import { modelSchema, resolveRunConfig, resolveTrain, trainSchema, type TrainConfig } from './config.js';
import { evaluate, unigramCounts, unigramEval, validationBatches } from './evaluate.js';
import { GPT, paramSpecs } from './model.js';
import { findShards } from '../shards/locate.js';
import { generate } from './generate.js';
import { train } from './train.js';

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** yargs options for every key of a schema: type and choices from the schema, no default (unset = not given). */
function schemaOptions<A>(y: Argv<A>, schema: z.ZodObject, group: string): Argv<A> {
  const defaults = schema.parse({}) as Record<string, unknown>;
  for (const [key, field] of Object.entries(schema.shape)) {
    let inner = field as unknown as { unwrap?: () => unknown; options?: string[]; description?: string };
    while (typeof inner.unwrap === 'function') inner = inner.unwrap() as typeof inner;
    const d = defaults[key];
    const type = typeof d === 'boolean' ? 'boolean' : typeof d === 'string' ? 'string' : 'number';
    const describe = `${(field as z.ZodType).description ?? ''}${d === undefined ? '' : ` [default: ${JSON.stringify(d)}]`}`;
    y = y.option(kebab(key), { type, group, describe, ...(inner.options ? { choices: inner.options } : {}) }) as Argv<A>;
  }
  return y;
}

function pick(argv: Record<string, unknown>, schema: z.ZodObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) if (argv[key] !== undefined) out[key] = argv[key];
  return out;
}

export function trainOptions<A>(y: Argv<A>): Argv<A> {
  const base = y
    .option('config', { type: 'string', describe: 'JSON file { "model": {...}, "train": {...} }; flags override it' })
    .option('resume', { type: 'boolean', default: false, describe: 'continue from the newest valid checkpoint in --out' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress line' });
  return schemaOptions(schemaOptions(base, modelSchema, 'Model:'), trainSchema, 'Training:');
}

export async function trainCommand(argv: Record<string, unknown>): Promise<void> {
  const cwd = process.cwd();
  let file: { model: unknown; train: Record<string, unknown> } = { model: {}, train: {} };
  if (typeof argv.config === 'string') {
    const path = resolve(cwd, argv.config);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new UserError(`${argv.config}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})`}`);
    }
    resolveRunConfig(raw, argv.config); // unknown keys and bad values are reported against the file
    const r = raw as { model?: unknown; train?: Record<string, unknown> };
    file = { model: r.model ?? {}, train: r.train ?? {} };
  }
  const model = { ...(file.model as object), ...pick(argv, modelSchema) };
  const overrides = { ...file.train, ...pick(argv, trainSchema) } as Partial<TrainConfig>;
  const cfg = resolveTrain(overrides, 'train config');
  const r = await train({ model, train: cfg, overrides, resume: Boolean(argv.resume), quiet: Boolean(argv.quiet), cwd });
  const lines: string[] = [];
  if (r.val) lines.push(`validation perplexity: ${r.val.perplexity.toFixed(2)} (loss ${r.val.loss.toFixed(4)})`);
  if (r.unigram) lines.push(`unigram perplexity:    ${r.unigram.perplexity.toFixed(2)} (loss ${r.unigram.loss.toFixed(4)})`);
  lines.push(`checkpoint: ${r.checkpoint ?? 'none'}`);
  if (r.sample !== null) lines.push(`sample:\n${r.sample}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function generateOptions<A>(y: Argv<A>) {
  return y
    .positional('checkpoint', { type: 'string', demandOption: true, describe: 'a checkpoint folder, or a run folder (its newest valid checkpoint)' })
    .option('prompt', { type: 'string', default: '', describe: 'text to continue (empty: start after end-of-text)' })
    .option('max-tokens', { type: 'number', default: 200 })
    .option('temperature', { type: 'number', default: 0.8, describe: '0 = greedy' })
    .option('top-k', { type: 'number', default: 40, describe: '0 = no top-k cut' })
    .option('top-p', { type: 'number', default: 0.95, describe: 'nucleus mass (1 = off)' })
    .option('seed', { type: 'number', default: 1337 })
    .option('backend', { choices: [...KERNEL_SETS, 'wasm'], default: 'cpu', describe: 'kernel set (see sluice train --help)' })
    .option('threads', { type: 'number', default: 0, describe: 'CPU kernel threads (0: every core)' });
}

async function openCheckpoint(path: string, backend: string, threads: number) {
  const ck = await loadCheckpoint(resolve(path), (m) => process.stderr.write(`sluice: warning: ${m}\n`));
  const kernels = await openKernels(backend, { threads });
  const model = new GPT(ck.model, kernels, fromNamed(paramSpecs(ck.model), ck.params, resolve(ck.dir, 'model.safetensors')));
  const config = JSON.parse(readFileSync(resolve(ck.dir, 'config.json'), 'utf8')) as { eos_token_id: number };
  return { ck, model, kernels, eot: config.eos_token_id };
}

export async function generateCommand(argv: { checkpoint: string; prompt: string; maxTokens: number; temperature: number; topK: number; topP: number; seed: number; backend: string; threads: number }): Promise<void> {
  const { ck, model, kernels, eot } = await openCheckpoint(argv.checkpoint, argv.backend, argv.threads);
  const tok = loadTokenizer(ck.tokenizerFile);
  // Every training text follows an end-of-text token, so a prompt is continued as a document start.
  const prompt = [eot, ...(argv.prompt ? tok.encode(argv.prompt) : [])];
  const ids = generate(model, prompt, { maxTokens: argv.maxTokens, temperature: argv.temperature, topK: argv.topK, topP: argv.topP, seed: argv.seed, stopId: eot });
  await kernels.dispose();
  process.stdout.write(`${argv.prompt}${tok.decode(ids)}\n`);
}

export function evalOptions<A>(y: Argv<A>) {
  return y
    .positional('checkpoint', { type: 'string', demandOption: true, describe: 'a checkpoint folder, or a run folder (its newest valid checkpoint)' })
    .option('shards', { type: 'string', describe: 'shards folder (default: the one it was trained on)' })
    .option('batch-size', { type: 'number', describe: 'sequences per forward pass (default: the training batch size)' })
    .option('batches', { type: 'number', default: 0, describe: 'validation batches (0: the whole split)' })
    .option('backend', { choices: [...KERNEL_SETS, 'wasm'], default: 'cpu', describe: 'kernel set (see sluice train --help)' })
    .option('threads', { type: 'number', default: 0, describe: 'CPU kernel threads (0: every core)' });
}

export async function evalCommand(argv: { checkpoint: string; shards?: string; batchSize?: number; batches: number; backend: string; threads: number }): Promise<void> {
  const { ck, model, kernels } = await openCheckpoint(argv.checkpoint, argv.backend, argv.threads);
  const shards = await findShards(resolve(argv.shards ?? ck.state.train.shards));
  const B = argv.batchSize ?? ck.state.train.batchSize;
  const T = ck.model.contextLength;
  const batches = await validationBatches(shards, B, T, argv.batches);
  const r = evaluate(model, batches, B, T);
  await kernels.dispose();
  const u = unigramEval(await unigramCounts(shards, ck.model.vocabSize), batches, B, T);
  process.stdout.write(
    `${ck.dir} (step ${ck.state.step}) on ${shards}, ${r.tokens.toLocaleString('en-US')} validation tokens:\n` +
      `validation loss ${r.loss.toFixed(4)}, perplexity ${r.perplexity.toFixed(2)}\n` +
      `unigram (training split) loss ${u.loss.toFixed(4)}, perplexity ${u.perplexity.toFixed(2)}\n`,
  );
}
