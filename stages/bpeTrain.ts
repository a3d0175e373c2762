// bpe-train: learns a byte-level BPE tokenizer on the training split (validation documents, chosen by id
// hash as the shards will be, are never seen). Pre-tokens are counted in the workers, the merges learned
// once; writes tokenizer.json (Hugging Face format) and vocab.txt. Documents pass through unchanged.
import { z } from 'zod';
import { DEFAULT_VALIDATION_FRACTION, inSample, isValidation } from '../shards/split.js';
import { bytesToChars } from '../shards/tokenizer/byteLevel.js';
import { patternRegex } from '../shards/tokenizer/pattern.js';
import { trainBpe } from './bpe/train.js';
import { defineArtifactStage } from './stage.js';

const options = z
  .object({
    vocabSize: z.number().int().min(257).max(1 << 20).default(4096).describe('tokens in the vocabulary, special tokens included'),
    minFrequency: z.number().int().min(1).default(2).describe('stop when the best pair occurs fewer times'),
    specialTokens: z.array(z.string()).default(['<|endoftext|>']).describe('added after the learned tokens; never produced from text'),
    pattern: z.enum(['gpt2', 'cl100k', 'cjk']).default('gpt2').describe('pre-tokenizer pattern; cjk: GPT-2\'s, with Han and kana runs cut into pieces of at most 3 characters (use it for Chinese or Japanese)'),
    maxTrainBytes: z.number().int().positive().default(1 << 30).describe('train on a deterministic sample of about this many bytes'),
    validationFraction: z.number().min(0).max(0.5).default(DEFAULT_VALIDATION_FRACTION).describe('set by the pipeline\'s validationFraction: documents held out (by id hash) are never trained on'),
  })
  .strict();

export const bpeTrain = defineArtifactStage({
  name: 'bpe-train',
  description: 'Learns a byte-level BPE tokenizer (GPT-2 pre-tokenizer) on the training split; writes tokenizer.json and vocab.txt.',
  kind: 'artifact',
  options,
  inherits: ['validationFraction'],
  sampleBytes: (o) => o.maxTrainBytes,
  init: (o) => patternRegex(o.pattern),
  count(docs, o, re, ctx) {
    const counts: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const doc of docs) {
      if (isValidation(doc.id, o.validationFraction) || !inSample(doc.id, ctx.sampleFraction)) continue;
      re.lastIndex = 0;
      for (let m = re.exec(doc.text); m !== null; m = re.exec(doc.text)) counts[m[0]] = (counts[m[0]] ?? 0) + 1;
    }
    return counts;
  },
  reduce(counts, o) {
    const distinctPreTokens = counts.size;
    const { tokenizer, trainTokens, trainBytes } = trainBpe(counts, { ...o, specialTokens: o.specialTokens, name: 'tokenizer.json' });
    const vocab = tokenizer.data.tokens.map((t, id) => `${id}\t${JSON.stringify(bytesToChars(t))}\t${JSON.stringify(Buffer.from(t).toString('utf8'))}`);
    for (const [s, id] of Object.entries(tokenizer.data.specials)) vocab.push(`${id}\t${JSON.stringify(s)}\t(special)`);
    return {
      files: { 'tokenizer.json': `${JSON.stringify(tokenizer.toHuggingFace())}\n`, 'vocab.txt': `${vocab.join('\n')}\n` },
      stats: { vocabSize: tokenizer.vocabSize, merges: tokenizer.data.merges.length, distinctPreTokens, trainBytes, trainTokens },
    };
  },
});
