// `sluice inspect` for shards: schema and metadata, rows, tokens, a length histogram, the first document
// decoded; --verify checks every checksum and that every token id is below the vocabulary size.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { sha256File } from '../datasets/atomicFile.js';
import { UserError } from '../datasets/errors.js';
import { loadTokenizer } from './tokenizer/load.js';
import { readShardManifest, type ShardManifest } from './manifest.js';

function histogram(lengths: number[]): string[] {
  const edges = [0, 16, 64, 256, 1024, 4096, 16384, Infinity];
  const counts = edges.slice(1).map(() => 0);
  for (const n of lengths) counts[edges.findIndex((e, i) => n >= e && n < edges[i + 1])]++;
  const max = Math.max(...counts, 1);
  return counts.map((c, i) => `    ${`${edges[i]}-${edges[i + 1] === Infinity ? '' : edges[i + 1] - 1}`.padEnd(11)} ${String(c).padStart(7)} ${'#'.repeat(Math.round((40 * c) / max))}`);
}

async function describeShard(path: string, m: ShardManifest | undefined, verify: boolean): Promise<string[]> {
  const t = tableFromIPC(await readFile(path));
  const lines = [`${path}`, `  rows ${t.numRows.toLocaleString('en-US')}, record batches ${t.batches.length}`];
  lines.push(`  schema: ${t.schema.fields.map((f) => `${f.name}: ${f.type}`).join(', ')}`);
  lines.push(`  metadata: ${[...t.schema.metadata.entries()].map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const lengths: number[] = [];
  let tokens = 0;
  let maxId = -1;
  const vocab = Number(t.schema.metadata.get('vocab_size'));
  for (const b of t.batches) {
    const d = b.getChild('tokens')!.data[0];
    const off = d.valueOffsets as Int32Array;
    for (let i = 0; i < b.numRows; i++) lengths.push(off[i + 1] - off[i]);
    tokens += off[b.numRows] - off[0];
    if (verify) {
      const v = d.children[0].values as Uint16Array | Uint32Array;
      for (let i = off[0]; i < off[b.numRows]; i++) if (v[i] > maxId) maxId = v[i];
    }
  }
  lines.push(`  tokens ${tokens.toLocaleString('en-US')}, mean ${(tokens / Math.max(1, t.numRows)).toFixed(1)} per document`, '  document length histogram (tokens):', ...histogram(lengths));
  if (m) {
    const tokFile = m.tokenizer.file ? join(dirname(path), m.tokenizer.file) : 'gpt2';
    const first = t.batches[0]?.getChild('tokens')?.get(0) as ArrayLike<number> | undefined;
    if (first) lines.push(`  first document (${String(t.getChild('doc_id')?.get(0))}), decoded: ${JSON.stringify(loadTokenizer(tokFile).decode(Array.from(first)).slice(0, 300))}`);
  }
  if (verify) {
    if (maxId >= vocab) throw new UserError(`${path}: token id ${maxId} is not below the vocabulary size ${vocab}`);
    lines.push(`  verify: every token id < ${vocab} (max ${maxId})`);
  }
  return lines;
}

export async function inspectShards(path: string, verify: boolean): Promise<string> {
  const isFile = path.endsWith('.arrow');
  const dir = isFile ? dirname(path) : path;
  const m = await readShardManifest(dir).catch((e) => (isFile ? undefined : Promise.reject(e)));
  const lines: string[] = [];
  if (m) {
    lines.push(`${dir}: ${m.shards.length} shards of pipeline ${m.pipeline}, tokenizer ${m.tokenizer.name} (vocabulary ${m.tokenizer.vocabSize}, ${m.tokenizer.dtype}, end-of-text ${m.tokenizer.eotId})`);
    for (const split of ['train', 'val'] as const) lines.push(`  ${split}: ${m.totals[split].docs.toLocaleString('en-US')} documents, ${m.totals[split].tokens.toLocaleString('en-US')} tokens, ${m.totals[split].shards} shards`);
    lines.push(`  split: ${(m.split.validationFraction * 100).toFixed(2)}% validation, ${m.split.rule}`);
    if (verify) {
      for (const s of m.shards) {
        const sha = await sha256File(join(dir, s.file));
        if (sha !== s.sha256) throw new UserError(`${join(dir, s.file)} does not match its checksum in the manifest; rerun the encode step`);
      }
      lines.push(`  verify: ${m.shards.length} checksums match`);
    }
  }
  const files = isFile ? [basename(path)] : (m?.shards.map((s) => s.file) ?? []);
  for (const f of isFile ? files : files.slice(0, verify ? files.length : 1)) lines.push('', ...(await describeShard(join(dir, f), m, verify)));
  return lines.join('\n');
}
