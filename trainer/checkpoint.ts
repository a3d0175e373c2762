// Checkpoints: one folder per step, written under a temporary name and renamed into place, holding
//   model.safetensors      weights, GPT-2 tensor names and layout (loadable by other tools with config.json)
//   config.json            Hugging Face GPT2Config fields plus the full sluice model config
//   optimizer.safetensors  AdamW moments m.<name>, v.<name>
//   trainer_state.json     step, tokens seen, RNG counter, data-loader state, the training config
//   tokenizer.json         the shards' tokenizer
//   checksums.json         sha256 of every file above (written last: a folder without it is incomplete)
// The newest folder whose checksums verify is the one resumed from; a corrupt newest one is reported and skipped.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../datasets/atomicFile.js';
import { UserError } from '../datasets/errors.js';
import type { LoaderState } from '../shards/loader.js';
import type { ModelConfig, TrainConfig } from './config.js';
import type { ParamSpec } from './model.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors.js';

export const CHECKPOINT_FILES = ['model.safetensors', 'config.json', 'optimizer.safetensors', 'trainer_state.json', 'tokenizer.json'] as const;

export interface TrainerState {
  format: 'sluice.trainer';
  version: 1;
  step: number;
  tokensSeen: number;
  /** Dropout seeds are drawn from (seed, counter): the counter is the RNG state. */
  rng: { seed: number; counter: number };
  loader: LoaderState;
  train: TrainConfig;
  elapsedMs: number;
  lastLoss: number | null;
}

export interface CheckpointData {
  model: ModelConfig;
  params: NamedTensor[];
  /** AdamW state: moments in parameter order and the step count used for bias correction. */
  optimizer: { t: number; m: NamedTensor[]; v: NamedTensor[] };
  state: TrainerState;
  eotId: number;
}

/** Arrays (in parameter order) with their names, for writing. */
export function toNamed(specs: ParamSpec[], arrays: Float32Array[]): NamedTensor[] {
  return arrays.map((data, i) => ({ name: specs[i].name, shape: specs[i].shape, data }));
}

/** Arrays in parameter order from a checkpoint file's named tensors; a missing or misshapen one names the file. */
export function fromNamed(specs: ParamSpec[], m: Map<string, NamedTensor>, what: string): Float32Array[] {
  return specs.map((s) => {
    const t = m.get(s.name);
    if (!t || t.shape.join() !== s.shape.join()) throw new UserError(`${what}: tensor ${s.name} is ${t ? `[${t.shape}]` : 'missing'}, the config needs [${s.shape}]`);
    return t.data;
  });
}

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

/**
 * Hugging Face GPT2Config fields for the model, with sluice's own config beside it. Only GPT-2's own options say
 * model_type gpt2 (transformers would load anything else as GPT-2 and compute the wrong function); other options
 * get model_type sluice_gpt and fields naming what differs (rotary positions, SwiGLU, RMSNorm, no bias).
 */
export function hfConfig(m: ModelConfig, eotId: number): object {
  const gpt2 = m.positions === 'learned' && m.mlp === 'gelu' && m.norm === 'layernorm' && m.bias;
  const differs = gpt2
    ? {}
    : {
        position_embedding_type: m.positions === 'rope' ? 'rotary' : 'absolute',
        ...(m.positions === 'rope' ? { rope_theta: m.ropeBase, rotary_style: 'gpt-neox (halves)' } : {}),
        mlp_type: m.mlp === 'swiglu' ? 'gated (silu(c_gate x) * c_fc x)' : 'gelu',
        normalization: m.norm,
        use_bias: m.bias,
      };
  return {
    architectures: [gpt2 ? 'GPT2LMHeadModel' : 'SluiceGPT'],
    model_type: gpt2 ? 'gpt2' : 'sluice_gpt',
    ...differs,
    vocab_size: m.vocabSize,
    n_positions: m.contextLength,
    n_ctx: m.contextLength,
    n_embd: m.dModel,
    n_layer: m.nLayers,
    n_head: m.nHeads,
    n_inner: m.mlpHidden,
    activation_function: m.mlp === 'swiglu' ? 'silu' : 'gelu_new',
    layer_norm_epsilon: m.normEps,
    resid_pdrop: m.dropout,
    embd_pdrop: m.dropout,
    attn_pdrop: m.dropout,
    initializer_range: m.initStd,
    bos_token_id: eotId,
    eos_token_id: eotId,
    tie_word_embeddings: true,
    torch_dtype: 'float32',
    sluice: { model: m, gpt2Compatible: gpt2 },
  };
}

export async function saveCheckpoint(runDir: string, c: CheckpointData, tokenizerFile: string, keep: number): Promise<string> {
  const root = join(runDir, 'checkpoints');
  const dir = join(root, checkpointName(c.state.step));
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'model.safetensors'), encodeSafetensors(c.params, { format: 'pt', producer: 'sluice' }));
  await writeFile(join(tmp, 'config.json'), `${JSON.stringify(hfConfig(c.model, c.eotId), null, 2)}\n`);
  const moments = [...c.optimizer.m.map((t) => ({ ...t, name: `m.${t.name}` })), ...c.optimizer.v.map((t) => ({ ...t, name: `v.${t.name}` }))];
  await writeFile(join(tmp, 'optimizer.safetensors'), encodeSafetensors(moments, { t: String(c.optimizer.t) }));
  await writeFile(join(tmp, 'trainer_state.json'), `${JSON.stringify(c.state, null, 2)}\n`);
  await copyFile(tokenizerFile, join(tmp, 'tokenizer.json'));
  const sums: Record<string, string> = {};
  for (const f of CHECKPOINT_FILES) sums[f] = await sha256File(join(tmp, f));
  await writeFile(join(tmp, 'checksums.json'), `${JSON.stringify({ sha256: sums }, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true }); // a same-step folder from a run that was resumed before it
  await rename(tmp, dir);
  const all = await listCheckpoints(runDir);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await rm(join(root, old), { recursive: true, force: true });
  return dir;
}

/** Complete checkpoint folder names, oldest first (temporary folders of killed runs are ignored). */
export async function listCheckpoints(runDir: string): Promise<string[]> {
  const names = await readdir(join(runDir, 'checkpoints')).catch(() => [] as string[]);
  return names.filter((n) => /^step-\d{8}$/.test(n)).sort();
}

/** Why a checkpoint folder cannot be used, or null when every file matches its checksum. */
export async function verifyCheckpoint(dir: string): Promise<string | null> {
  let sums: Record<string, string>;
  try {
    sums = (JSON.parse(await readFile(join(dir, 'checksums.json'), 'utf8')) as { sha256: Record<string, string> }).sha256;
  } catch (e) {
    return `checksums.json is ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable'}`;
  }
  for (const f of CHECKPOINT_FILES) {
    const got = await sha256File(join(dir, f)).catch(() => null);
    if (got === null) return `${f} is missing`;
    if (got !== sums[f]) return `${f} does not match its checksum`;
  }
  return null;
}

export interface LoadedCheckpoint {
  dir: string;
  model: ModelConfig;
  params: Map<string, NamedTensor>;
  optimizer: { t: number; m: Map<string, NamedTensor>; v: Map<string, NamedTensor> };
  state: TrainerState;
  tokenizerFile: string;
}

async function readCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { sluice?: { model: ModelConfig } };
  if (!config.sluice) throw new UserError(`${join(dir, 'config.json')}: no "sluice" section; not a checkpoint written by sluice train`);
  const params = decodeSafetensors(await readFile(join(dir, 'model.safetensors')), join(dir, 'model.safetensors')).tensors;
  const opt = decodeSafetensors(await readFile(join(dir, 'optimizer.safetensors')), join(dir, 'optimizer.safetensors'));
  const m = new Map<string, NamedTensor>();
  const v = new Map<string, NamedTensor>();
  for (const [name, t] of opt.tensors) (name.startsWith('m.') ? m : v).set(name.slice(2), { ...t, name: name.slice(2) });
  const state = JSON.parse(await readFile(join(dir, 'trainer_state.json'), 'utf8')) as TrainerState;
  return { dir, model: config.sluice.model, params, optimizer: { t: Number(opt.metadata.t ?? state.step), m, v }, state, tokenizerFile: join(dir, 'tokenizer.json') };
}

/**
 * A checkpoint folder (verified), or a run folder: its newest checkpoint that verifies; a corrupt newer one
 * is reported through `warn` and the previous one used.
 */
export async function loadCheckpoint(path: string, warn: (msg: string) => void): Promise<LoadedCheckpoint> {
  if (!existsSync(path)) throw new UserError(`${path}: no such checkpoint or run folder`);
  const own = await verifyCheckpoint(path);
  if (own === null) return readCheckpoint(path);
  const names = await listCheckpoints(path);
  if (names.length === 0) {
    throw new UserError(`${path}: not a usable checkpoint (${own}) and holds no checkpoints/step-* folders; pass a run folder (e.g. out/train) or one of its checkpoints`);
  }
  for (let i = names.length - 1; i >= 0; i--) {
    const dir = join(path, 'checkpoints', names[i]);
    const why = await verifyCheckpoint(dir);
    if (why === null) return readCheckpoint(dir);
    warn(`checkpoint ${dir} is corrupt (${why}); ${i > 0 ? `using the previous one, ${names[i - 1]}` : 'and there is no earlier one'}`);
  }
  throw new UserError(`${path}: every checkpoint is corrupt (see the warnings above); start again without --resume, or restore a copy`);
}
