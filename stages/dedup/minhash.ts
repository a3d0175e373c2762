// MinHash with LSH bands. One xxhash (h32Raw) per word shingle over the UTF-8 bytes of the normalized
// text, then `numHashes` cheap 32-bit permutations (murmur3's finalizer over seeded inputs): per-shingle
// hash calls dominate the cost, so there is exactly one.
import { TextEncoder } from 'node:util';

export type H32Raw = (input: Uint8Array, seed?: number) => number;

const encoder = new TextEncoder();
let scratch = new Uint8Array(1 << 16);

/** Hashes of every `n`-word shingle of normalized text (words separated by single spaces). */
export function shingleHashes(normalized: string, n: number, h32Raw: H32Raw): Uint32Array {
  if (normalized.length === 0) return new Uint32Array(0);
  if (scratch.length < normalized.length * 3) scratch = new Uint8Array(normalized.length * 3);
  const { written } = encoder.encodeInto(normalized, scratch);
  const bytes = scratch.subarray(0, written);
  // Word starts (byte offsets); the normalized text has exactly one space between words.
  const starts: number[] = [0];
  for (let i = 0; i < written; i++) if (bytes[i] === 0x20) starts.push(i + 1);
  const words = starts.length;
  if (words < n) return Uint32Array.of(h32Raw(bytes, 0) >>> 0);
  const out = new Uint32Array(words - n + 1);
  for (let w = 0; w + n <= words; w++) {
    const end = w + n < words ? starts[w + n] - 1 : written;
    out[w] = h32Raw(bytes.subarray(starts[w], end), 0) >>> 0;
  }
  return out;
}

/** Hashes of every `n`-character shingle of normalized text with its spaces removed (for scripts without spaces). */
export function charShingleHashes(normalized: string, n: number, h32Raw: H32Raw): Uint32Array {
  const chars = [...normalized.replace(/ /g, '')];
  if (chars.length === 0) return new Uint32Array(0);
  const joined = chars.join('');
  if (scratch.length < joined.length * 3) scratch = new Uint8Array(joined.length * 3);
  const { written } = encoder.encodeInto(joined, scratch);
  const bytes = scratch.subarray(0, written);
  // Byte offset of every character start.
  const starts = new Int32Array(chars.length + 1);
  for (let i = 0, b = 0; i < chars.length; i++) {
    starts[i] = b;
    const c = chars[i].codePointAt(0)!;
    b += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  starts[chars.length] = written;
  if (chars.length < n) return Uint32Array.of(h32Raw(bytes, 0) >>> 0);
  const out = new Uint32Array(chars.length - n + 1);
  for (let i = 0; i + n <= chars.length; i++) out[i] = h32Raw(bytes.subarray(starts[i], starts[i + n]), 0) >>> 0;
  return out;
}

/** murmur3 fmix32: a bijection on 32-bit integers with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Deterministic per-permutation seeds from one seed (splitmix32). */
export function permutationSeeds(count: number, seed: number): Uint32Array {
  const out = new Uint32Array(count * 2);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (s + 0x9e3779b9) >>> 0;
    out[i] = fmix32(s);
  }
  return out;
}

/** The MinHash signature: for each permutation k, the minimum of fmix32((x ^ a_k) + b_k) over shingles x. */
export function minhashSignature(shingles: Uint32Array, seeds: Uint32Array): Uint32Array {
  const k = seeds.length >> 1;
  const sig = new Uint32Array(k).fill(0xffffffff);
  for (let s = 0; s < shingles.length; s++) {
    const x = shingles[s];
    for (let i = 0; i < k; i++) {
      const v = fmix32(((x ^ seeds[2 * i]) + seeds[2 * i + 1]) >>> 0);
      if (v < sig[i]) sig[i] = v;
    }
  }
  return sig;
}

/** Two independent 32-bit hashes of band b's `rows` signature values: a 64-bit bucket key. */
export function bandKey(sig: Uint32Array, band: number, rows: number, out: Uint32Array, at: number): void {
  let a = 0x9747b28c ^ band;
  let b = 0x811c9dc5 ^ Math.imul(band, 0x27d4eb2d);
  for (let r = band * rows; r < (band + 1) * rows; r++) {
    a = Math.imul(a ^ sig[r], 0x5bd1e995);
    a ^= a >>> 15;
    b = Math.imul(b ^ sig[r], 0x01000193);
  }
  out[at] = fmix32(a);
  out[at + 1] = fmix32(b ^ a);
}

/** Probability that a pair with Jaccard similarity j shares at least one band: 1 - (1 - j^rows)^bands. */
export function candidateProbability(j: number, bands: number, rows: number): number {
  return 1 - (1 - j ** rows) ** bands;
}

/** The S-curve as text: the similarity at which detection is 50%, and P(candidate) for j = 0.1..1. */
export function describeCurve(bands: number, rows: number): string {
  const half = (1 - 0.5 ** (1 / bands)) ** (1 / rows);
  const lines = [`MinHash LSH with ${bands} bands x ${rows} rows (${bands * rows} hashes): 50% detection at Jaccard ${half.toFixed(3)}`];
  for (let j = 0.1; j <= 1.0001; j += 0.05) {
    const p = candidateProbability(j, bands, rows);
    lines.push(`  J=${j.toFixed(2)}  P(candidate)=${p.toFixed(4)}  ${'#'.repeat(Math.round(p * 50))}`);
  }
  return lines.join('\n');
}

/** Exact Jaccard similarity of two sorted, de-duplicated hash sets. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  const union = a.length + b.length - inter;
  return union === 0 ? 1 : inter / union;
}

export function uniqueSorted(x: Uint32Array): Uint32Array {
  const s = Uint32Array.from(x).sort();
  let n = 0;
  for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[i - 1]) s[n++] = s[i];
  return s.subarray(0, n);
}
