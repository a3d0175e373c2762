// manifest.json beside the shards: every shard with rows, tokens, checksum and split, and the tokenizer.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../datasets/errors.js';
import type { TokenDtype } from './format.js';
import type { ShardEntry } from './writer.js';

export const SHARD_MANIFEST_FORMAT = 'sluice.shards';
/** The subfolder of a step folder that holds its shards (and manifest.json, tokenizer.json). */
export const SHARDS_DIR = 'shards';

export interface ShardManifest {
  format: typeof SHARD_MANIFEST_FORMAT;
  version: 1;
  pipeline: string;
  fingerprint: string;
  tokenizer: { name: string; hash: string; vocabSize: number; eotId: number; dtype: TokenDtype; file: string | null };
  split: { validationFraction: number; rule: string };
  shards: ShardEntry[];
  totals: Record<'train' | 'val', { docs: number; tokens: number; shards: number }>;
}

export async function readShardManifest(dir: string): Promise<ShardManifest> {
  const path = join(dir, 'manifest.json');
  let m: ShardManifest;
  try {
    m = JSON.parse(await readFile(path, 'utf8')) as ShardManifest;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `is not valid JSON (${(e as Error).message})`;
    throw new UserError(`${path} ${why}: point at a pipeline run folder (e.g. out/corpus) or a shards folder written by an encode step, or rerun it`);
  }
  if (m.format !== SHARD_MANIFEST_FORMAT) throw new UserError(`${path}: not a sluice shard manifest (format ${JSON.stringify(m.format)})`);
  return m;
}
