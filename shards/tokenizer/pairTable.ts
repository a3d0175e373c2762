// (left id, right id) -> merged id, in an open-addressing table of int32 arrays: several times faster than
// a Map keyed by a 2^17-scaled number (V8 boxes keys above 2^30).
export class PairTable {
  private a: Int32Array;
  private b: Int32Array;
  private v: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected: number) {
    let cap = 1024;
    while (cap < expected * 2) cap <<= 1;
    this.a = new Int32Array(cap).fill(-1);
    this.b = new Int32Array(cap);
    this.v = new Int32Array(cap);
    this.mask = cap - 1;
  }

  private slot(x: number, y: number): number {
    let h = Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    return h & this.mask;
  }

  /** Sets (x, y) -> value unless already set (the first, lowest-rank entry wins). */
  set(x: number, y: number, value: number): void {
    if (this.size * 2 >= this.mask) this.grow();
    let i = this.slot(x, y);
    while (this.a[i] !== -1) {
      if (this.a[i] === x && this.b[i] === y) return;
      i = (i + 1) & this.mask;
    }
    this.a[i] = x;
    this.b[i] = y;
    this.v[i] = value;
    this.size++;
  }

  /** The merged id, or -1. */
  get(x: number, y: number): number {
    let i = this.slot(x, y);
    for (;;) {
      const k = this.a[i];
      if (k === -1) return -1;
      if (k === x && this.b[i] === y) return this.v[i];
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const { a, b, v } = this;
    this.a = new Int32Array(a.length * 2).fill(-1);
    this.b = new Int32Array(a.length * 2);
    this.v = new Int32Array(a.length * 2);
    this.mask = this.a.length - 1;
    this.size = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== -1) this.set(a[i], b[i], v[i]);
  }
}
