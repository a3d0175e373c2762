// The built-in `gpt2` tokenizer: GPT-2's 50,257 ranks as shipped by js-tiktoken, tiktoken-style merging.
import { createRequire } from 'node:module';
import { Tokenizer } from './tokenizer.js';

const require = createRequire(import.meta.url);
let cached: Tokenizer | undefined;

export function gpt2(): Tokenizer {
  if (cached) return cached;
  const ranks = require('js-tiktoken/ranks/gpt2') as { default?: { bpe_ranks: string; special_tokens: Record<string, number> }; bpe_ranks?: string };
  const r = (ranks.default ?? ranks) as { bpe_ranks: string; special_tokens: Record<string, number> };
  const tokens: Uint8Array[] = [];
  for (const line of r.bpe_ranks.split('\n')) {
    if (!line) continue;
    const [, offset, ...rest] = line.split(' ');
    rest.forEach((b64, i) => (tokens[Number(offset) + i] = new Uint8Array(Buffer.from(b64, 'base64'))));
  }
  cached = new Tokenizer({ name: 'gpt2', pattern: 'gpt2', style: 'tiktoken', tokens, merges: [], specials: r.special_tokens });
  return cached;
}
