// encode: every kept document to token ids in the workers; the engine writes them, in input order, into
// Arrow token shards (train and validation by document-id hash). The tokenizer is the one the pipeline's
// bpe-train step learned (`tokenizer: 'bpe-train'`), the built-in `gpt2`, or a tokenizer.json path.
import { z } from 'zod';
import { DEFAULT_VALIDATION_FRACTION } from '../shards/split.js';
import { loadTokenizer } from './bpe/load.js';
import type { Tokenizer } from './bpe/tokenizer.js';
import { defineSinkStage, type EncodedBatch } from './stage.js';

const options = z
  .object({
    tokenizer: z.string().default('bpe-train').describe('"bpe-train" (this pipeline\'s learned tokenizer), "gpt2", or a tokenizer.json path'),
    shardTokens: z.number().int().positive().default(100_000_000).describe('tokens per shard (cut between documents)'),
    validationFraction: z.number().min(0).max(0.5).default(DEFAULT_VALIDATION_FRACTION).describe('share of documents in the validation split, by id hash'),
    eotToken: z.string().default('<|endoftext|>').describe('special token put between documents by the loader'),
  })
  .strict();

export const encode = defineSinkStage({
  name: 'encode',
  description: 'Tokenizes every document and writes Arrow token shards (train/validation split by document id) with a manifest.',
  kind: 'sink',
  options,
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
