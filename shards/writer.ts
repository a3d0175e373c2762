// Writes documents' tokens into shards of about `shardTokens` tokens, cut only between documents, in
// arrival order: the same documents in the same order give the same files, whatever made them.
// Inside a shard, record batches of about `batchTokens` let readers load one piece at a time.
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import type { RecordBatch, Schema } from 'apache-arrow';
import { sha256File, writeFileAtomic } from '../datasets/atomicFile.js';
import { dtypeFor, recordBatch, shardBytes, shardSchema, type ShardMeta } from './format.js';

export interface ShardEntry {
  file: string;
  split: 'train' | 'val';
  rows: number;
  tokens: number;
  bytes: number;
  sha256: string;
  /** Sum of all token ids, a cheap cross-check for other readers (pyarrow, Polars). */
  tokenSum: number;
  /** Rows and tokens of each record batch, so a loader can place any window without reading the data. */
  batches: { rows: number; tokens: number }[];
}

export class ShardWriter {
  private readonly schema: Schema;
  private readonly wide: boolean;
  private batches: RecordBatch[] = [];
  private pending: Uint32Array[] = [];
  private ids: string[] = [];
  private sources: string[] = [];
  private pendingTokens = 0;
  private shardTokensSoFar = 0;
  private shardRows = 0;
  private tokenSum = 0;
  private batchSizes: { rows: number; tokens: number }[] = [];
  readonly written: ShardEntry[] = [];

  constructor(
    private readonly dir: string,
    private readonly meta: ShardMeta,
    private readonly shardTokens: number,
    private readonly batchTokens = 1 << 20,
  ) {
    this.schema = shardSchema(meta);
    this.wide = dtypeFor(meta.vocabSize) === 'uint32';
  }

  async add(docId: string, source: string, tokens: Uint32Array): Promise<void> {
    this.pending.push(tokens);
    this.ids.push(docId);
    this.sources.push(source);
    this.pendingTokens += tokens.length;
    for (let i = 0; i < tokens.length; i++) this.tokenSum += tokens[i];
    if (this.pendingTokens >= this.batchTokens) this.cutBatch();
    if (this.shardTokensSoFar + this.pendingTokens >= this.shardTokens) await this.flushShard();
  }

  private cutBatch(): void {
    if (this.pending.length === 0) return;
    const values = this.wide ? new Uint32Array(this.pendingTokens) : new Uint16Array(this.pendingTokens);
    const offsets = new Int32Array(this.pending.length + 1);
    let at = 0;
    this.pending.forEach((t, i) => {
      values.set(t, at);
      at += t.length;
      offsets[i + 1] = at;
    });
    this.batches.push(recordBatch(this.schema, { values, offsets, docIds: this.ids, sources: this.sources }));
    this.batchSizes.push({ rows: this.pending.length, tokens: this.pendingTokens });
    this.shardTokensSoFar += this.pendingTokens;
    this.shardRows += this.pending.length;
    this.pending = [];
    this.ids = [];
    this.sources = [];
    this.pendingTokens = 0;
  }

  private async flushShard(): Promise<void> {
    this.cutBatch();
    if (this.batches.length === 0) return;
    const file = `${this.meta.split}-${String(this.written.length).padStart(5, '0')}.arrow`;
    const path = join(this.dir, file);
    await writeFileAtomic(path, shardBytes(this.schema, this.batches));
    this.written.push({ file, split: this.meta.split, rows: this.shardRows, tokens: this.shardTokensSoFar, bytes: (await stat(path)).size, sha256: await sha256File(path), tokenSum: this.tokenSum, batches: this.batchSizes });
    this.batches = [];
    this.batchSizes = [];
    this.shardTokensSoFar = 0;
    this.shardRows = 0;
    this.tokenSum = 0;
  }

  /** Writes what is left; returns every shard written. */
  async finish(): Promise<ShardEntry[]> {
    await this.flushShard();
    return this.written;
  }
}
