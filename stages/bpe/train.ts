// BPE training on pre-token counts (minbpe's algorithm, made incremental):
//  1. every distinct pre-token becomes a list of byte ids, weighted by how often it occurs;
//  2. count every adjacent pair once, remembering where it occurs;
//  3. repeatedly take the most frequent pair (ties: smallest left id, then smallest right id), give it a
//     new id, rewrite only the words where it occurs, and adjust the counts of the neighbouring pairs;
//  4. stop at the vocabulary size, or when the best pair is rarer than `minFrequency`.
// State: 7 int32 arrays over all symbols of the distinct pre-tokens (28 bytes per symbol), a few numbers
// per distinct pair, and a heap of pairs.
import { TextEncoder } from 'node:util';
import { BYTE_ORDER } from '../../shards/tokenizer/byteLevel.js';
import { PairTable } from '../../shards/tokenizer/pairTable.js';
import type { PatternName } from '../../shards/tokenizer/pattern.js';
import { Tokenizer, byteTokens } from '../../shards/tokenizer/tokenizer.js';

export interface TrainOptions {
  vocabSize: number;
  minFrequency: number;
  specialTokens: string[];
  pattern: PatternName;
  name: string;
}

/** A max-heap of pair indices by (count desc, left id asc, right id asc). */
class PairHeap {
  private counts: number[] = [];
  private pairs: number[] = [];
  constructor(private readonly pa: number[], private readonly pb: number[]) {}
  get size(): number {
    return this.pairs.length;
  }
  private above(c1: number, p1: number, c2: number, p2: number): boolean {
    if (c1 !== c2) return c1 > c2;
    if (this.pa[p1] !== this.pa[p2]) return this.pa[p1] < this.pa[p2];
    return this.pb[p1] < this.pb[p2];
  }
  push(count: number, pair: number): void {
    let i = this.pairs.length;
    this.counts.push(count);
    this.pairs.push(pair);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(count, pair, this.counts[p], this.pairs[p])) break;
      this.counts[i] = this.counts[p];
      this.pairs[i] = this.pairs[p];
      i = p;
    }
    this.counts[i] = count;
    this.pairs[i] = pair;
  }
  pop(): [number, number] {
    const top: [number, number] = [this.counts[0], this.pairs[0]];
    const c = this.counts.pop()!;
    const p = this.pairs.pop()!;
    const n = this.pairs.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const k = r < n && this.above(this.counts[r], this.pairs[r], this.counts[l], this.pairs[l]) ? r : l;
        if (!this.above(this.counts[k], this.pairs[k], c, p)) break;
        this.counts[i] = this.counts[k];
        this.pairs[i] = this.pairs[k];
        i = k;
      }
      this.counts[i] = c;
      this.pairs[i] = p;
    }
    return top;
  }
}

export interface TrainResult {
  tokenizer: Tokenizer;
  /** Tokens the training text takes with the learned merges (distinct pre-tokens x their counts). */
  trainTokens: number;
  trainBytes: number;
}

/** Learns merges from pre-token counts. Consumes `wordCounts` (it is cleared) to halve peak memory. */
export function trainBpe(wordCounts: Map<string, number>, o: TrainOptions): TrainResult {
  const byteToId = new Int32Array(256);
  BYTE_ORDER.forEach((b, id) => (byteToId[b] = id));
  const enc = new TextEncoder();
  // 1. Symbols of all distinct pre-tokens, in one flat array with per-word linked lists. The counts map
  //    is consumed (cleared) once copied: training on a big corpus should not hold the words twice.
  const words = [...wordCounts.keys()].sort(); // order-independent input
  const weight = new Float64Array(words.length);
  let total = 0;
  words.forEach((w, i) => {
    weight[i] = wordCounts.get(w)!;
    total += Buffer.byteLength(w);
  });
  wordCounts.clear();
  const sym = new Int32Array(total);
  const next = new Int32Array(total);
  const prev = new Int32Array(total);
  const wordOf = new Int32Array(total);
  let scratch = new Uint8Array(1 << 16);
  let at = 0;
  let trainBytes = 0;
  for (let w = 0; w < words.length; w++) {
    if (scratch.length < words[w].length * 3) scratch = new Uint8Array(words[w].length * 3);
    const n = enc.encodeInto(words[w], scratch).written;
    trainBytes += n * weight[w];
    for (let k = 0; k < n; k++) {
      sym[at + k] = byteToId[scratch[k]];
      wordOf[at + k] = w;
      prev[at + k] = k === 0 ? -1 : at + k - 1;
      next[at + k] = k === n - 1 ? -1 : at + k + 1;
    }
    at += n;
  }
  words.length = 0;
  // 2. Distinct pairs: ids (a, b) and weighted count. Where each occurs is a doubly linked list threaded
  //    through the symbol positions (occNext/occPrev/occPair): 12 bytes per symbol instead of JS arrays.
  const index = new PairTable(1 << 16);
  const pa: number[] = [];
  const pb: number[] = [];
  const count: number[] = [];
  const head: number[] = [];
  const occNext = new Int32Array(total);
  const occPrev = new Int32Array(total);
  const occPair = new Int32Array(total).fill(-1);
  const pairOf = (a: number, b: number): number => {
    let p = index.get(a, b);
    if (p === -1) {
      p = pa.length;
      index.set(a, b, p);
      pa.push(a);
      pb.push(b);
      count.push(0);
      head.push(-1);
    }
    return p;
  };
  const link = (i: number, p: number): void => {
    const h = head[p];
    occNext[i] = h;
    occPrev[i] = -1;
    if (h !== -1) occPrev[h] = i;
    head[p] = i;
    occPair[i] = p;
  };
  const unlink = (i: number): void => {
    const p = occPair[i];
    if (p === -1) return;
    if (occPrev[i] !== -1) occNext[occPrev[i]] = occNext[i];
    else head[p] = occNext[i];
    if (occNext[i] !== -1) occPrev[occNext[i]] = occPrev[i];
    occPair[i] = -1;
  };
  for (let i = total - 1; i >= 0; i--) {
    if (next[i] === -1) continue;
    const p = pairOf(sym[i], sym[next[i]]);
    count[p] += weight[wordOf[i]];
    link(i, p);
  }
  const heap = new PairHeap(pa, pb);
  for (let p = 0; p < pa.length; p++) heap.push(count[p], p);
  // 3. Merge until the vocabulary is full.
  const tokens = byteTokens();
  const merges: [number, number, number][] = [];
  const target = o.vocabSize - o.specialTokens.length;
  const touched = new Set<number>();
  const positions: number[] = [];
  while (tokens.length < target && heap.size > 0) {
    const [c, p] = heap.pop();
    if (c !== count[p]) {
      if (count[p] > 0) heap.push(count[p], p); // stale entry: requeue with the current count
      continue;
    }
    if (c < o.minFrequency || c <= 0) break;
    const a = pa[p];
    const b = pb[p];
    const t = tokens.length;
    const bytes = new Uint8Array(tokens[a].length + tokens[b].length);
    bytes.set(tokens[a]);
    bytes.set(tokens[b], tokens[a].length);
    tokens.push(bytes);
    merges.push([a, b, t]);
    positions.length = 0;
    for (let i = head[p]; i !== -1; i = occNext[i]) positions.push(i);
    for (const i of positions) occPair[i] = -1;
    head[p] = -1;
    positions.sort((x, y) => x - y); // left to right within each word, as Hugging Face merges
    touched.clear();
    for (const i of positions) {
      const j = next[i];
      if (sym[i] !== a || j === -1 || sym[j] !== b) continue; // already rewritten by an earlier merge
      const w = weight[wordOf[i]];
      const before = prev[i];
      const after = next[j];
      if (before !== -1) {
        count[pairOf(sym[before], a)] -= w;
        unlink(before);
      }
      if (after !== -1) {
        count[pairOf(b, sym[after])] -= w;
        unlink(j);
      }
      sym[i] = t;
      sym[j] = -1;
      next[i] = after;
      if (after !== -1) prev[after] = i;
      if (before !== -1) {
        const q = pairOf(sym[before], t);
        count[q] += w;
        link(before, q);
        touched.add(q);
      }
      if (after !== -1) {
        const q = pairOf(t, sym[after]);
        count[q] += w;
        link(i, q);
        touched.add(q);
      }
    }
    count[p] = 0;
    for (const q of touched) if (count[q] > 0) heap.push(count[q], q);
  }
  const specials: Record<string, number> = {};
  o.specialTokens.forEach((s, k) => (specials[s] = tokens.length + k));
  // Tokens of the training text = symbols left in each distinct word, times its count.
  let trainTokens = 0;
  for (let i = 0; i < total; i++) if (sym[i] !== -1) trainTokens += weight[wordOf[i]];
  const tokenizer = new Tokenizer({ name: o.name, pattern: o.pattern, style: 'merges', tokens, merges, specials });
  return { tokenizer, trainTokens, trainBytes };
}
