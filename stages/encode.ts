// encode: every kept document to token ids in the workers; the shards runner writes them, in input order, into
// Arrow token shards (train and validation by document-id hash). The tokenizer is the one the pipeline's
// bpe-train step learned (`tokenizer: 'bpe-train'`), the built-in `gpt2`, or a tokenizer.json path.
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../datasets/errors.js';
import { DEFAULT_VALIDATION_FRACTION } from '../shards/split.js';
import { loadTokenizer } from '../shards/tokenizer/load.js';
import type { Tokenizer } from '../shards/tokenizer/tokenizer.js';
import { defineShardStage, type EncodedBatch } from './stage.js';

/** The tokenizer reference that means "the tokenizer.json of the nearest earlier bpe-train step". */
const LEARNED = 'bpe-train';
const BUILTIN = 'gpt2';

const options = z
  .object({
    tokenizer: z.string().default(LEARNED).describe('"bpe-train" (this pipeline\'s learned tokenizer), "gpt2", or a tokenizer.json path'),
    shardTokens: z.number().int().positive().default(100_000_000).describe('tokens per shard (cut between documents)'),
    validationFraction: z.number().min(0).max(0.5).default(DEFAULT_VALIDATION_FRACTION).describe('set by the pipeline\'s validationFraction: documents in the validation split, by id hash'),
    eotToken: z.string().default('<|endoftext|>').describe('special token put between documents by the loader'),
  })
  .strict();

export const encode = defineShardStage({
  name: 'encode',
  description: 'Tokenizes every document and writes Arrow token shards (train/validation split by document id) with a manifest.',
  kind: 'shards',
  options,
  inherits: ['validationFraction'],
  externalFiles: (o) => (o.tokenizer === BUILTIN || o.tokenizer === LEARNED ? [] : [{ option: 'tokenizer', path: o.tokenizer, hint: 'pass a tokenizer.json path, "gpt2" or "bpe-train"' }]),
  resolve(o, earlier) {
    if (o.tokenizer !== LEARNED) return o;
    const train = [...earlier].reverse().find((s) => s.stage === LEARNED);
    if (!train) throw new UserError(`tokenizer "bpe-train" but no bpe-train step comes before it; add one or set tokenizer to "gpt2" or a tokenizer.json path`);
    return { ...o, tokenizer: join(train.path, 'tokenizer.json') };
  },
  shardTokens: (o) => o.shardTokens,
  tokenizer(o) {
    const tok = loadTokenizer(o.tokenizer);
    const builtin = o.tokenizer === BUILTIN;
    return {
      name: builtin ? BUILTIN : `${basename(dirname(o.tokenizer))}/tokenizer.json`,
      hash: tok.hash(),
      vocabSize: tok.vocabSize,
      eotId: tok.special(o.eotToken),
      file: builtin ? null : o.tokenizer,
    };
  },
  init: (o) => loadTokenizer(o.tokenizer),
  encode(docs, _o, tok: Tokenizer): EncodedBatch {
    const ids: number[] = [];
    const offsets = new Uint32Array(docs.length + 1);
    docs.forEach((d, i) => {
      tok.encode(d.text, ids);
      offsets[i + 1] = ids.length;
    });
    return { values: Uint32Array.from(ids), offsets };
  },
});
