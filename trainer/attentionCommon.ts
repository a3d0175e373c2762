// What the attention kernels share: the shape, RoPE tables and rotation, where q and k are read from, and how
// their gradients go back into the qkv layout.

export interface AttentionShape {
  B: number;
  T: number;
  H: number;
  /** Head size; d = H * hd. */
  hd: number;
  /** RoPE angle base, or undefined for no rotation. */
  ropeBase?: number;
  dropout: number;
  /** Dropout seed; undefined = no dropout. */
  seed?: number;
}

const ropeTables = new Map<string, { cos: Float32Array; sin: Float32Array }>();
/** cos/sin [T, hd/2] of the GPT-NeoX rotary embedding (pairs i and i + hd/2). */
export function ropeTable(T: number, hd: number, base: number): { cos: Float32Array; sin: Float32Array } {
  const key = `${T}/${hd}/${base}`;
  let r = ropeTables.get(key);
  if (!r) {
    const half = hd / 2;
    const cos = new Float32Array(T * half);
    const sin = new Float32Array(T * half);
    for (let t = 0; t < T; t++)
      for (let i = 0; i < half; i++) {
        const a = t * Math.pow(base, (-2 * i) / hd);
        cos[t * half + i] = Math.cos(a);
        sin[t * half + i] = Math.sin(a);
      }
    r = { cos, sin };
    ropeTables.set(key, r);
  }
  return r;
}

/** Rotates (or with sign -1, un-rotates) the q or k part (offset `part`·d) of every row of src into dst [B*T, d]. */
export function rotate(src: Float32Array, srcStride: number, part: number, dst: Float32Array, s: AttentionShape, sign: number): void {
  const { B, T, H, hd } = s;
  const d = H * hd;
  const half = hd / 2;
  const { cos, sin } = ropeTable(T, hd, s.ropeBase!);
  for (let r = 0; r < B * T; r++) {
    const t = r % T;
    for (let h = 0; h < H; h++) {
      const so = r * srcStride + part * d + h * hd;
      const dof = r * d + h * hd;
      for (let i = 0; i < half; i++) {
        const c = cos[t * half + i];
        const sn = sin[t * half + i] * sign;
        const x1 = src[so + i];
        const x2 = src[so + i + half];
        dst[dof + i] = x1 * c - x2 * sn;
        dst[dof + i + half] = x2 * c + x1 * sn;
      }
    }
  }
}

/** Where q and k live: the qkv rows themselves, or rotated copies [B*T, d] with RoPE. */
export interface QK {
  q: Float32Array;
  k: Float32Array;
  stride: number;
  qOff: number;
  kOff: number;
}

/** q and k as kernels read them: in place in the qkv rows, or rotated copies [B*T, d] with RoPE. */
export function queriesAndKeys(src: Float32Array, s: AttentionShape): QK {
  const d = s.H * s.hd;
  if (s.ropeBase === undefined) return { q: src, k: src, stride: 3 * d, qOff: 0, kOff: d };
  const q = new Float32Array(s.B * s.T * d);
  const k = new Float32Array(s.B * s.T * d);
  rotate(src, 3 * d, 0, q, s, 1);
  rotate(src, 3 * d, 1, k, s, 1);
  return { q, k, stride: d, qOff: 0, kOff: 0 };
}

/** Writes dq, dk [B*T, d] (gradients of the rotated q, k) into the q and k columns of dqkv [B*T, 3d], un-rotated. */
export function placeQKGrads(dq: Float32Array, dk: Float32Array, dqkv: Float32Array, s: AttentionShape): void {
  const { B, T } = s;
  const d = s.H * s.hd;
  let gq = dq;
  let gk = dk;
  if (s.ropeBase !== undefined) {
    gq = new Float32Array(B * T * d);
    gk = new Float32Array(B * T * d);
    rotate(dq, d, 0, gq, s, -1);
    rotate(dk, d, 0, gk, s, -1);
  }
  for (let r = 0; r < B * T; r++) {
    dqkv.set(gq.subarray(r * d, (r + 1) * d), r * 3 * d);
    dqkv.set(gk.subarray(r * d, (r + 1) * d), r * 3 * d + d);
  }
}
