// The reduce of a dedup step: documents that share any key are joined (union-find); each cluster keeps its
// first document in input order. One key column (one LSH band) is in memory at a time, as flat typed
// arrays sorted by radix: 24 bytes per document of sort buffers + 4 of union-find + 4 of result,
// whatever the number of columns.
import { readKeyColumn } from './keysFile.js';

export interface ClusterResult {
  /** rep[i] = the global index of the document kept for i's cluster (rep[i] === i: kept). */
  rep: Int32Array;
  clusters: number;
  duplicates: number;
  candidatePairs: number;
}

/** Stable LSD radix sort of (hi, lo, idx) by hi: four passes of 8 bits through `tmp`. Returns the sorted arrays. */
function radixByHi(hi: Uint32Array, lo: Uint32Array, idx: Uint32Array, tmp: Uint32Array[]): [Uint32Array, Uint32Array, Uint32Array] {
  const n = hi.length;
  let a: Uint32Array[] = [hi, lo, idx];
  let b: Uint32Array[] = tmp.map((t) => t.subarray(0, n));
  const count = new Uint32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    count.fill(0);
    const [h, l, x] = a;
    for (let i = 0; i < n; i++) count[(h[i] >>> shift) & 0xff]++;
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    const [h2, l2, x2] = b;
    for (let i = 0; i < n; i++) {
      const at = count[(h[i] >>> shift) & 0xff]++;
      h2[at] = h[i];
      l2[at] = l[i];
      x2[at] = x[i];
    }
    [a, b] = [b, a];
  }
  return [a[0], a[1], a[2]];
}

export class UnionFind {
  readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      p[i] = p[p[i]];
      i = p[i];
    }
    return i;
  }
  /** Joins two sets; the root is always the smaller index, so a cluster's root is its first document. */
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra < rb) this.parent[rb] = ra;
    else if (rb < ra) this.parent[ra] = rb;
  }
}

export interface KeyPart {
  path: string;
  rows: number;
}

/**
 * Joins documents with equal keys in any column. With `verify`, candidate pairs (each member with its
 * run's first document) are collected and only those `verify` accepts are joined.
 */
export async function clusterKeys(
  parts: KeyPart[],
  columns: number,
  verify?: (pairs: [number, number][]) => Promise<[number, number][]>,
): Promise<ClusterResult> {
  const total = parts.reduce((n, p) => n + p.rows, 0);
  const uf = new UnionFind(total);
  const pairs = new Map<number, [number, number]>();
  let candidatePairs = 0;
  // Six flat arrays, allocated once and reused for every column: the reduce's whole working set.
  const buffers = Array.from({ length: 6 }, () => new Uint32Array(total));
  for (let c = 0; c < columns; c++) {
    let [hi, lo, idx]: Uint32Array[] = buffers;
    let m = 0;
    let base = 0;
    for (const part of parts) {
      const { keys, valid } = await readKeyColumn(part.path, c);
      for (let r = 0; r < part.rows; r++) {
        if (!valid[r]) continue;
        hi[m] = keys[2 * r];
        lo[m] = keys[2 * r + 1];
        idx[m] = base + r;
        m++;
      }
      base += part.rows;
    }
    [hi, lo, idx] = radixByHi(hi.subarray(0, m), lo.subarray(0, m), idx.subarray(0, m), buffers.slice(3));
    // Runs of equal hi are tiny; inside one, members with the same lo share the full 64-bit key.
    for (let i = 0; i < m; ) {
      let j = i + 1;
      while (j < m && hi[j] === hi[i]) j++;
      if (j - i > 1) {
        const firstByLo = new Map<number, number>(); // stable sort: the first seen has the smallest index
        for (let a = i; a < j; a++) {
          const first = firstByLo.get(lo[a]);
          if (first === undefined) {
            firstByLo.set(lo[a], idx[a]);
            continue;
          }
          candidatePairs++;
          if (verify) pairs.set(first * total + idx[a], [first, idx[a]]);
          else uf.union(first, idx[a]);
        }
      }
      i = j;
    }
  }
  if (verify) for (const [a, b] of await verify([...pairs.values()])) uf.union(a, b);
  const rep = new Int32Array(total);
  let duplicates = 0;
  const roots = new Set<number>();
  for (let i = 0; i < total; i++) {
    rep[i] = uf.find(i);
    if (rep[i] !== i) {
      duplicates++;
      roots.add(rep[i]);
    }
  }
  return { rep, clusters: roots.size, duplicates, candidatePairs };
}
