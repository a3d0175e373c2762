// Applying merges to one pre-token: repeatedly merge the adjacent pair with the lowest rank, leftmost on
// ties (tiktoken's and Hugging Face's rule). The table gives a pair's rank; `mergedId[rank]` the new id.
// Short pieces use a plain scan;
// long ones a heap over a linked list, O(n log n), so a 10 MB word takes seconds, not hours.
import type { PairTable } from './pairTable.js';

const SCAN_MAX = 48;

function mergeScan(ids: number[], table: PairTable, mergedId: Int32Array): number[] {
  for (;;) {
    let best = -1;
    let at = -1;
    for (let i = 0; i + 1 < ids.length; i++) {
      const m = table.get(ids[i], ids[i + 1]);
      if (m !== -1 && (best === -1 || m < best)) {
        best = m;
        at = i;
      }
    }
    if (at === -1) return ids;
    ids.splice(at, 2, mergedId[best]);
  }
}

/** A binary min-heap of numbers (rank * 2^26 + position: lower rank first, then leftmost). */
class NumberHeap {
  private h: number[] = [];
  get size(): number {
    return this.h.length;
  }
  push(x: number): void {
    const h = this.h;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p] <= x) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = x;
  }
  pop(): number {
    const h = this.h;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && h[r] < h[l] ? r : l;
        if (h[c] >= last) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

const POS = 2 ** 26;

function mergeHeap(start: number[], table: PairTable, mergedId: Int32Array): number[] {
  const n = start.length;
  if (n >= POS) throw new Error(`a single pre-token of ${n} bytes is over the ${POS}-byte limit`);
  const id = Int32Array.from(start);
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  const heap = new NumberHeap();
  for (let i = 0; i + 1 < n; i++) {
    const m = table.get(id[i], id[i + 1]);
    if (m !== -1) heap.push(m * POS + i);
  }
  const alive = new Uint8Array(n).fill(1);
  while (heap.size > 0) {
    const top = heap.pop();
    const rank = Math.floor(top / POS);
    const left = top - rank * POS;
    const right = next[left];
    // Stale entries (a side already merged into something else) are skipped.
    if (!alive[left] || right === -1 || table.get(id[left], id[right]) !== rank) continue;
    const merged = mergedId[rank];
    id[left] = merged;
    alive[right] = 0;
    const after = next[right];
    next[left] = after;
    if (after !== -1) prev[after] = left;
    const before = prev[left];
    if (before !== -1) {
      const m = table.get(id[before], merged);
      if (m !== -1) heap.push(m * POS + before);
    }
    if (after !== -1) {
      const m = table.get(merged, id[after]);
      if (m !== -1) heap.push(m * POS + left);
    }
  }
  const out: number[] = [];
  for (let i = 0; i !== -1; i = next[i]) out.push(id[i]);
  return out;
}

/** Merges the byte ids of one pre-token. */
export function applyMerges(ids: number[], table: PairTable, mergedId: Int32Array): number[] {
  return ids.length <= SCAN_MAX ? mergeScan(ids, table, mergedId) : mergeHeap(ids, table, mergedId);
}

/** The O(n^2) reference (tests compare the heap path against it). */
export function applyMergesByScan(ids: number[], table: PairTable, mergedId: Int32Array): number[] {
  return mergeScan([...ids], table, mergedId);
}
