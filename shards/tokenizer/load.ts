// Opens a tokenizer by name (`gpt2`) or from a tokenizer.json path, with errors that say what to pass.
import { readFileSync } from 'node:fs';
import { UserError } from '../../datasets/errors.js';
import { gpt2 } from './gpt2.js';
import { fromHuggingFace, type Tokenizer } from './tokenizer.js';

export function loadTokenizer(ref: string): Tokenizer {
  if (ref === 'gpt2') return gpt2();
  let text: string;
  try {
    text = readFileSync(ref, 'utf8');
  } catch {
    throw new UserError(`tokenizer ${ref}: no such file; pass a tokenizer.json (a bpe-train step writes one into its folder; encode copies it beside the shards) or "gpt2"`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${ref}: not valid JSON (${(e as Error).message})`);
  }
  try {
    return fromHuggingFace(json, ref);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}
