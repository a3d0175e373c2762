// The tokenizer a bpe-train step learned (vocabulary, merges, its longest tokens, bytes per token on the
// validation shards) and the shards an encode step wrote (totals, tokens per document).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readShardManifest, SHARDS_DIR } from '../../shards/manifest.js';
import { ShardSet } from '../../shards/reader.js';
import { loadTokenizer } from '../../shards/tokenizer/load.js';
import type { Bin, ShardFacts, TokenizerFacts } from './facts.js';
import { binLog, evenlySpaced } from './sampling.js';

const LONGEST = 12;
/** Tokens read from the shards, at most: a bounded, evenly spaced choice of record batches. */
const MAX_TOKENS = 4_000_000;

type Step = { dir: string; stage: string };

export async function tokenizerFacts(run: string, steps: Step[]): Promise<TokenizerFacts | null> {
  const step = [...steps].reverse().find((s) => existsSync(join(run, s.dir, 'tokenizer.json')) && existsSync(join(run, s.dir, 'artifacts.json')));
  if (!step) return null;
  const dir = join(run, step.dir);
  const hf = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as { added_tokens: { content: string }[]; model: { vocab: Record<string, number>; merges: unknown[] } };
  const stats = (JSON.parse(await readFile(join(dir, 'artifacts.json'), 'utf8')) as { stats: Record<string, number> }).stats;
  const longest: TokenizerFacts['longest'] = [];
  if (existsSync(join(dir, 'vocab.txt'))) {
    // vocab.txt: id, the byte-level token (one character per byte) and its UTF-8 reading, as JSON strings.
    for (const line of (await readFile(join(dir, 'vocab.txt'), 'utf8')).split('\n')) {
      const [id, bytes, text] = line.split('\t');
      if (!text || !text.startsWith('"')) continue; // a special token: `(special)`
      longest.push({ id: Number(id), text: JSON.parse(text) as string, bytes: (JSON.parse(bytes) as string).length });
    }
    longest.sort((a, b) => b.bytes - a.bytes || a.id - b.id);
    longest.length = Math.min(longest.length, LONGEST);
  }
  const shards = await shardsDir(run, steps);
  return {
    dir: step.dir,
    vocabSize: Object.keys(hf.model.vocab).length + hf.added_tokens.length,
    merges: hf.model.merges.length,
    specialTokens: hf.added_tokens.map((t) => t.content),
    trainBytes: stats.trainBytes ?? 0,
    trainTokens: stats.trainTokens ?? 0,
    val: shards ? await validationBytesPerToken(shards) : null,
    longest,
  };
}

async function shardsDir(run: string, steps: Step[]): Promise<string | null> {
  const step = [...steps].reverse().find((s) => existsSync(join(run, s.dir, SHARDS_DIR, 'manifest.json')));
  return step ? join(run, step.dir, SHARDS_DIR) : null;
}

/** Token documents of a split from a bounded, evenly spaced choice of record batches. */
async function* sampledDocs(dir: string, split: 'train' | 'val'): AsyncGenerator<{ values: Uint16Array | Uint32Array; offsets: Int32Array }> {
  const set = await ShardSet.open(dir, split, { checksums: false });
  try {
    const batches = set.shards.flatMap((s, i) => s.batches.map((b, j) => ({ i, j, tokens: b.tokens })));
    const perBatch = batches.reduce((n, b) => n + b.tokens, 0) / Math.max(1, batches.length);
    let tokens = 0;
    for (const k of evenlySpaced(batches.length, Math.max(1, Math.floor(MAX_TOKENS / Math.max(1, perBatch))))) {
      if (tokens >= MAX_TOKENS) break;
      const b = await set.batch(batches[k].i, batches[k].j);
      tokens += b.offsets[b.offsets.length - 1] - b.offsets[0];
      yield b;
    }
  } finally {
    await set.close();
  }
}

async function validationBytesPerToken(dir: string): Promise<TokenizerFacts['val']> {
  const m = await readShardManifest(dir);
  if (!m.shards.some((s) => s.split === 'val') || !m.tokenizer.file) return null;
  const tok = loadTokenizer(join(dir, m.tokenizer.file));
  let docs = 0;
  let tokens = 0;
  let bytes = 0;
  for await (const b of sampledDocs(dir, 'val')) {
    for (let d = 0; d + 1 < b.offsets.length; d++) {
      const ids = Array.from(b.values.subarray(b.offsets[d] - b.offsets[0], b.offsets[d + 1] - b.offsets[0]));
      docs++;
      tokens += ids.length;
      bytes += Buffer.byteLength(tok.decode(ids));
    }
  }
  return { docs, tokens, bytes };
}

export async function shardFacts(run: string, steps: Step[], notes: string[]): Promise<ShardFacts | null> {
  const dir = await shardsDir(run, steps);
  if (!dir) return null;
  const m = await readShardManifest(dir);
  const lengths: number[] = [];
  for (const split of ['train', 'val'] as const) {
    if (!m.shards.some((s) => s.split === split)) continue;
    try {
      for await (const b of sampledDocs(dir, split)) for (let d = 0; d + 1 < b.offsets.length; d++) lengths.push(b.offsets[d + 1] - b.offsets[d]);
    } catch (e) {
      notes.push(`${split} shards: ${(e as Error).message}`);
    }
  }
  const bins: Bin[] = lengths.length ? binLog(lengths, 40) : [];
  return { dir: dir.slice(run.length + 1), totals: m.totals, lengths: bins, sampledDocs: lengths.length };
}
