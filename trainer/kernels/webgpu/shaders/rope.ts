// WGSL: rotary position embedding (GPT-NeoX halves) of the q and k parts of qkv rows, in place.
import { ENTRY_ARGS, GROUP, params, storage, type Shader } from './common.js';

const ropeS = storage([['qkv', 'w'], ['cosT', 'r'], ['sinT', 'r']]);
/** RoPE (GPT-NeoX halves) on q and k of qkv rows in place, one invocation per rotated pair; sign -1 rotates back. */
export const ROPE: Record<string, Shader> = {};
ROPE.rope = {
  bindings: ropeS.bindings,
  code: `${params('N: u32, T: u32, H: u32, hd: u32, sign: f32')}${ropeS.decl}
@compute @workgroup_size(256) fn main(${ENTRY_ARGS}) {
  ${GROUP}
  let half = p.hd / 2u;
  let idx = group * 256u + lid;
  let perRow = 2u * p.H * half;
  if (idx >= p.N * perRow) { return; }
  let n = idx / perRow;
  let rest = idx % perRow;
  let ph = rest / half;
  let i = rest % half;
  let t = n % p.T;
  let d = p.H * p.hd;
  let x = n * 3u * d + (ph / p.H) * d + (ph % p.H) * p.hd;
  let c = cosT[t * half + i];
  let s = sinT[t * half + i] * p.sign;
  let x1 = qkv[x + i];
  let x2 = qkv[x + i + half];
  qkv[x + i] = x1 * c - x2 * s;
  qkv[x + i + half] = x2 * c + x1 * s;
}`,
};
