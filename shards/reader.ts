// Opens the shards of one split for reading: checks each file against the manifest (size, checksum, format,
// tokenizer) with errors that name the file, then reads record batches on demand from file handles; every batch
// read is checked for token ids outside the vocabulary, so a damaged shard never trains silently.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatchReader, type AsyncRecordBatchFileReader } from 'apache-arrow';
import { sha256File } from '../datasets/atomicFile.js';
import { UserError } from '../datasets/errors.js';
import { SHARD_FORMAT, SHARD_VERSION } from './format.js';
import { readShardManifest, type ShardManifest } from './manifest.js';
import type { ShardEntry } from './writer.js';

export interface TokenBatch {
  /** Token ids of the batch's documents, concatenated (a view into the file's bytes). */
  values: Uint16Array | Uint32Array;
  /** Document j is values[offsets[j] - offsets[0] .. offsets[j+1] - offsets[0]). */
  offsets: Int32Array;
}

export class ShardSet {
  private readers = new Map<number, { fh: FileHandle; reader: AsyncRecordBatchFileReader }>();
  /** arrow's file reader keeps one read position: reads of a shard are chained, never concurrent. */
  private chains = new Map<number, Promise<unknown>>();

  private constructor(
    readonly dir: string,
    readonly manifest: ShardManifest,
    readonly shards: ShardEntry[],
  ) {}

  /**
   * Checks every shard of the split before any training starts: exists, size, sha256 against the manifest (about
   * 1 GB/s; `checksums: false` skips it), schema metadata.
   */
  static async open(dir: string, split: 'train' | 'val', o: { checksums?: boolean } = {}): Promise<ShardSet> {
    const manifest = await readShardManifest(dir);
    const shards = manifest.shards.filter((s) => s.split === split);
    if (shards.length === 0) throw new UserError(`${join(dir, 'manifest.json')}: no ${split} shards; is the corpus too small for a ${split} split?`);
    const set = new ShardSet(dir, manifest, shards);
    for (let i = 0; i < shards.length; i++) {
      const path = join(dir, shards[i].file);
      // (opened one after the other: cheap footer reads only)
      const st = await stat(path).catch(() => undefined);
      if (!st) throw new UserError(`${path} is missing; rerun the encode step (sluice run <pipeline> --from-stage encode)`);
      if (st.size !== shards[i].bytes) {
        throw new UserError(`${path} has ${st.size} bytes but the manifest says ${shards[i].bytes}: truncated or replaced; rerun the encode step (--from-stage encode)`);
      }
      if (o.checksums !== false && (await sha256File(path)) !== shards[i].sha256) {
        throw new UserError(`${path} does not match its checksum in ${join(dir, 'manifest.json')}: the file is damaged; rerun the encode step (sluice run <pipeline> --from-stage encode)`);
      }
      if (!Array.isArray(shards[i].batches)) throw new UserError(`${join(dir, 'manifest.json')}: shard ${shards[i].file} lists no record batches (an older manifest); rerun the encode step`);
      const { reader } = await set.reader(i);
      const meta = reader.schema.metadata;
      if (meta.get('format') !== SHARD_FORMAT || meta.get('version') !== SHARD_VERSION) {
        throw new UserError(`${path}: not a sluice token shard (format ${meta.get('format')}, version ${meta.get('version')})`);
      }
      if (meta.get('tokenizer_hash') !== manifest.tokenizer.hash) {
        throw new UserError(`${path} was made with another tokenizer (${meta.get('tokenizer')}, hash ${meta.get('tokenizer_hash')?.slice(0, 12)}) than its manifest says (${manifest.tokenizer.hash.slice(0, 12)}); do not mix shards of different runs`);
      }
      if (reader.numRecordBatches !== shards[i].batches.length) {
        throw new UserError(`${path} has ${reader.numRecordBatches} record batches, the manifest says ${shards[i].batches.length}; rerun the encode step`);
      }
    }
    return set;
  }

  private async reader(i: number): Promise<{ fh: FileHandle; reader: AsyncRecordBatchFileReader }> {
    let r = this.readers.get(i);
    if (!r) {
      const path = join(this.dir, this.shards[i].file);
      const fh = await open(path, 'r');
      try {
        const reader = (await RecordBatchReader.from(fh)) as unknown as AsyncRecordBatchFileReader;
        await reader.open();
        r = { fh, reader };
      } catch (e) {
        await fh.close();
        throw new UserError(`${path}: not a readable Arrow IPC file (${(e as Error).message}); rerun the encode step`);
      }
      this.readers.set(i, r);
    }
    return r;
  }

  /** Record batch `b` of shard `i`: its tokens and document offsets. */
  batch(i: number, b: number): Promise<TokenBatch> {
    const run = (this.chains.get(i) ?? Promise.resolve()).then(() => this.readBatch(i, b));
    this.chains.set(i, run.catch(() => undefined));
    return run;
  }

  private async readBatch(i: number, b: number): Promise<TokenBatch> {
    const { reader } = await this.reader(i);
    const path = join(this.dir, this.shards[i].file);
    let rb;
    try {
      rb = await reader.readRecordBatch(b);
    } catch (e) {
      throw new UserError(`${path}: record batch ${b} cannot be read (${(e as Error).message}); the file is corrupt, rerun the encode step`);
    }
    if (!rb) throw new UserError(`${path}: record batch ${b} is missing; the file is corrupt, rerun the encode step`);
    const data = rb.getChild('tokens')!.data[0];
    const values = data.children[0].values as Uint16Array | Uint32Array;
    // Buffers are padded to 8 bytes: take exactly rows + 1 offsets.
    const offsets = (data.valueOffsets as Int32Array).subarray(data.offset, data.offset + rb.numRows + 1);
    const vocab = this.manifest.tokenizer.vocabSize;
    const base = offsets[0];
    for (let k = 0, n = offsets[offsets.length - 1] - base; k < n; k++) {
      if (values[k] >= vocab) {
        let row = 0;
        while (offsets[row + 1] - base <= k) row++;
        throw new UserError(
          `${path}: record batch ${b}, document ${row} (token ${k - (offsets[row] - base)}) has token id ${values[k]}, outside the vocabulary of ${vocab}: ` +
            'the shard is damaged; rerun the encode step (sluice run <pipeline> --from-stage encode)',
        );
      }
    }
    return { values, offsets };
  }

  async close(): Promise<void> {
    for (const { fh } of this.readers.values()) await fh.close();
    this.readers.clear();
  }
}
