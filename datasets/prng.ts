// The one seedable PRNG: the loader's shuffle, the trainer's dropout masks and sampling all draw from it.

/** mulberry32: a small, fast, seedable PRNG (32-bit state); also the trainer's dropout and sampling RNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
