// `sluice encode` / `sluice decode`: one line of text <-> one line of space-separated ids.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UserError } from '../datasets/errors.js';
import { loadTokenizer } from '../shards/tokenizer/load.js';

async function* lines(file: string | undefined): AsyncGenerator<string> {
  const input = file ? createReadStream(file, 'utf8') : process.stdin;
  if (file) input.on('error', () => undefined);
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } catch (e) {
    throw new UserError(`${file}: ${(e as Error).message}`);
  }
}

function write(s: string): Promise<void> {
  return new Promise((resolve) => (process.stdout.write(s) ? resolve() : process.stdout.once('drain', () => resolve())));
}

export async function encodeCommand(tokenizerRef: string, file: string | undefined): Promise<void> {
  const tok = loadTokenizer(tokenizerRef);
  for await (const line of lines(file)) await write(`${tok.encode(line).join(' ')}\n`);
}

export async function decodeCommand(tokenizerRef: string, file: string | undefined): Promise<void> {
  const tok = loadTokenizer(tokenizerRef);
  const name = file ?? '<stdin>';
  let n = 0;
  for await (const line of lines(file)) {
    n++;
    const parts = line.trim() === '' ? [] : line.trim().split(/\s+/);
    const ids = parts.map((p) => {
      const id = Number(p);
      if (!Number.isInteger(id) || id < 0) throw new UserError(`${name}:${n}: "${p}" is not a token id (expected space-separated non-negative integers)`);
      if (id >= tok.vocabSize) throw new UserError(`${name}:${n}: token id ${id} is not in tokenizer ${tok.name} (vocabulary ${tok.vocabSize}); was the text encoded with another tokenizer?`);
      return id;
    });
    await write(`${tok.decode(ids)}\n`);
  }
}
