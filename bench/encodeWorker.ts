// Worker for the encode benchmark: the built-in gpt2 tokenizer over a batch of texts, returning the token count.
import { gpt2 } from '../shards/tokenizer/gpt2.js';

export default function encodeBatch(texts: string[]): number {
  const tok = gpt2();
  let n = 0;
  for (const t of texts) n += tok.encode(t).length;
  return n;
}
