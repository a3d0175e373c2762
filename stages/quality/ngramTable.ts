// An open-addressing table keyed by two 32-bit hashes of an n-gram: several times faster than a Map with
// 53-bit number keys (which V8 stores as heap numbers). Reused across n for one document.
export class NgramTable {
  private a: Int32Array;
  private b: Int32Array;
  private counts: Int32Array;
  private mask: number;

  constructor(items: number) {
    let cap = 16;
    while (cap < items * 2) cap <<= 1;
    this.a = new Int32Array(cap);
    this.b = new Int32Array(cap);
    this.counts = new Int32Array(cap);
    this.mask = cap - 1;
  }

  clear(): void {
    this.counts.fill(0);
  }

  /** Adds one occurrence of the key and returns its count so far. */
  add(ka: number, kb: number): number {
    let i = (ka ^ Math.imul(kb, 0x27d4eb2d)) & this.mask;
    for (;;) {
      const c = this.counts[i];
      if (c === 0) {
        this.a[i] = ka;
        this.b[i] = kb;
        this.counts[i] = 1;
        return 1;
      }
      if (this.a[i] === ka && this.b[i] === kb) return (this.counts[i] = c + 1);
      i = (i + 1) & this.mask;
    }
  }
}

/** Two independent 32-bit hashes of ids[i..i+n), written into out[0], out[1]. */
export function hashNgram(ids: Int32Array, i: number, n: number, out: Int32Array): void {
  let a = 0x811c9dc5 | 0;
  let b = 0x9747b28c | 0;
  for (let k = i; k < i + n; k++) {
    a = Math.imul(a ^ ids[k], 0x01000193);
    b = Math.imul(b ^ ids[k], 0x5bd1e995) ^ (b >>> 15);
  }
  out[0] = a;
  out[1] = b;
}
