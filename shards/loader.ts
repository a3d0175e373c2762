// The training data loader. Documents of a split are one stream, the end-of-text id after each document,
// cut into windows of T+1 tokens with stride T (window w is stream[w*T, w*T + T + 1)). Each epoch visits
// every window once in a seeded shuffled order shared by all ranks; a global step takes B x world
// windows, rank r the r-th B of them (disjoint across ranks, same global order). The whole state is
// { seed, epoch, position }: resume(state) continues exactly where state() was taken.
// Reads are lazy (record batches from file handles, a small cache) and the next batches are prefetched.
import { UserError } from '../datasets/errors.js';
import { prng } from '../datasets/prng.js';
import { ShardSet, type TokenBatch } from './reader.js';

export interface LoaderOptions {
  dir: string;
  split?: 'train' | 'val';
  batchSize: number;
  contextLength: number;
  seed?: number;
  shuffle?: boolean;
  rank?: number;
  world?: number;
  /** Batches prepared ahead of the trainer. */
  prefetch?: number;
  /** Decoded record batches kept in memory (each about 1M tokens). */
  cacheBatches?: number;
}

export interface LoaderState {
  seed: number;
  epoch: number;
  /** Windows consumed in this epoch by all ranks together (a multiple of batchSize x world). */
  position: number;
}

export interface Batch {
  /** (B, T+1) token ids, row-major. */
  tokens: Int32Array;
  epoch: number;
  /** The global step position this batch was taken at. */
  position: number;
}

/** The epoch's window order: Fisher-Yates from (seed, epoch); 4 bytes per window. */
export function windowOrder(windows: number, seed: number, epoch: number, shuffle: boolean): Uint32Array {
  const order = new Uint32Array(windows);
  for (let i = 0; i < windows; i++) order[i] = i;
  if (!shuffle) return order;
  const rand = prng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(epoch + 1, 0xc2b2ae35));
  for (let i = windows - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

export class DataLoader {
  readonly windows: number;
  readonly eotId: number;
  readonly streamTokens: number;
  private readonly B: number;
  private readonly T: number;
  private readonly world: number;
  private readonly rank: number;
  private readonly shuffle: boolean;
  /** Stream start of every record batch, in shard order, plus the end (length batches + 1). */
  private readonly starts: Float64Array;
  private readonly where: [number, number][];
  private cache = new Map<number, Promise<TokenBatch>>();
  private st: LoaderState;
  private orders = new Map<number, Uint32Array>(); // this epoch's and the next's
  private ahead: { position: number; epoch: number; batch: Promise<Batch> }[] = [];

  private constructor(private readonly set: ShardSet, private readonly o: LoaderOptions) {
    this.B = o.batchSize;
    this.T = o.contextLength;
    this.world = o.world ?? 1;
    this.rank = o.rank ?? 0;
    this.shuffle = o.shuffle ?? true;
    if (!(this.rank >= 0 && this.rank < this.world)) throw new UserError(`loader: rank ${this.rank} is not in 0..${this.world - 1}`);
    this.eotId = set.manifest.tokenizer.eotId;
    const where: [number, number][] = [];
    const starts: number[] = [0];
    set.shards.forEach((s, i) =>
      s.batches.forEach((b, k) => {
        where.push([i, k]);
        starts.push(starts[starts.length - 1] + b.tokens + b.rows); // + one end-of-text per document
      }),
    );
    this.where = where;
    this.starts = Float64Array.from(starts);
    this.streamTokens = starts[starts.length - 1];
    this.windows = Math.max(0, Math.floor((this.streamTokens - 1) / this.T));
    if (this.windows < this.B * this.world) {
      throw new UserError(`${o.dir}: the ${o.split ?? 'train'} split has ${this.windows} windows of ${this.T + 1} tokens, fewer than one global batch (${this.B} x ${this.world}); lower the batch size or context length`);
    }
    this.st = { seed: o.seed ?? 1337, epoch: 0, position: 0 };
    this.orderOf(0);
  }

  static async open(o: LoaderOptions): Promise<DataLoader> {
    return new DataLoader(await ShardSet.open(o.dir, o.split ?? 'train'), o);
  }

  /** Global steps per epoch (the last partial global batch of an epoch is skipped). */
  get stepsPerEpoch(): number {
    return Math.floor(this.windows / (this.B * this.world));
  }

  state(): LoaderState {
    return { ...this.st };
  }

  resume(state: LoaderState): void {
    const perStep = this.B * this.world;
    if (state.position % perStep !== 0 || state.position < 0 || state.epoch < 0) throw new UserError(`loader: state ${JSON.stringify(state)} does not fall on a step of ${perStep} windows`);
    this.ahead = [];
    if (state.seed !== this.st.seed) this.orders.clear();
    this.st = { ...state };
    this.orderOf(state.epoch);
  }

  private orderOf(epoch: number): Uint32Array {
    let o = this.orders.get(epoch);
    if (!o) {
      o = windowOrder(this.windows, this.st.seed, epoch, this.shuffle);
      this.orders.set(epoch, o);
      for (const e of this.orders.keys()) if (e < epoch - 1) this.orders.delete(e);
    }
    return o;
  }

  private recordBatch(index: number): Promise<TokenBatch> {
    let p = this.cache.get(index);
    if (p) {
      this.cache.delete(index); // re-insert: most recently used last
      this.cache.set(index, p);
      return p;
    }
    const [shard, batch] = this.where[index];
    p = this.set.batch(shard, batch);
    this.cache.set(index, p);
    const cap = this.o.cacheBatches ?? 8;
    while (this.cache.size > cap) this.cache.delete(this.cache.keys().next().value!);
    return p;
  }

  /** Copies stream[start, start + out.length) into out. */
  private async readStream(start: number, out: Int32Array, at: number, length: number): Promise<void> {
    let pos = start;
    let filled = 0;
    // The record batch holding pos: binary search over batch starts.
    let lo = 0;
    let hi = this.starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    for (let bi = lo; filled < length; bi++) {
      const tb = await this.recordBatch(bi);
      const base = tb.offsets[0];
      const docs = tb.offsets.length - 1;
      let q = pos - this.starts[bi]; // position inside this batch's stream
      // Document j spans [offsets[j] - base + j, offsets[j+1] - base + j] in the batch stream (its EOT last).
      let l = 0;
      let h = docs - 1;
      while (l < h) {
        const m = (l + h + 1) >> 1;
        if (tb.offsets[m] - base + m <= q) l = m;
        else h = m - 1;
      }
      for (let j = l; j < docs && filled < length; j++) {
        const docStart = tb.offsets[j] - base + j;
        const docEnd = tb.offsets[j + 1] - base + j; // index of its EOT in the batch stream
        for (let s = q - docStart; s < docEnd - docStart && filled < length; s++) out[at + filled++] = tb.values[tb.offsets[j] - base + s];
        if (filled < length) out[at + filled++] = this.eotId;
        q = docEnd + 1;
      }
      pos = this.starts[bi + 1];
    }
  }

  private async build(epoch: number, position: number, order: Uint32Array): Promise<Batch> {
    const T1 = this.T + 1;
    const tokens = new Int32Array(this.B * T1);
    const first = position + this.rank * this.B;
    await Promise.all(Array.from({ length: this.B }, (_, b) => this.readStream(order[first + b] * this.T, tokens, b * T1, T1)));
    return { tokens, epoch, position };
  }

  /** This rank's next (B, T+1) batch; prefetches the following ones. */
  async next(): Promise<Batch> {
    const perStep = this.B * this.world;
    const depth = Math.max(1, this.o.prefetch ?? 2);
    while (this.ahead.length < depth) {
      const last = this.ahead[this.ahead.length - 1];
      let epoch = last ? last.epoch : this.st.epoch;
      let position = last ? last.position + perStep : this.st.position;
      if (position + perStep > this.windows) {
        epoch += 1;
        position = 0;
      }
      const batch = this.build(epoch, position, this.orderOf(epoch));
      batch.catch(() => undefined); // an error surfaces when this batch is taken, not as an unhandled rejection
      this.ahead.push({ epoch, position, batch });
    }
    const head = this.ahead.shift()!;
    this.st = { seed: this.st.seed, epoch: head.epoch, position: head.position + perStep };
    return head.batch;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.ahead.map((a) => a.batch)); // let prefetches finish before the files close
    this.ahead = [];
    await this.set.close();
  }
}
