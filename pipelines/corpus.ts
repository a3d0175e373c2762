// The default pipeline: `make corpus` runs it on the built-in sample corpus (data/sample, built by `sluice sample`).
import { definePipeline } from './define.js';

export default definePipeline({
  name: 'corpus',
  description: 'Sample corpus (WARC, email, JSONL.gz, Parquet, text) to clean English documents.',
  input: { format: 'auto', paths: ['data/sample'] },
  output: 'out/corpus',
  steps: [
    { stage: 'html-strip' },
    { stage: 'normalize', unicode: 'NFC', minChars: 1 },
    { stage: 'lang-detect', keep: ['en'], minScore: 0.65 },
    { stage: 'quality-scores' },
    { stage: 'quality' },
    { stage: 'exact-dedup' },
    { stage: 'minhash-dedup', bands: 14, rows: 8 },
    { stage: 'bpe-train', vocabSize: 4096 },
    { stage: 'encode', tokenizer: 'bpe-train', shardTokens: 100_000_000 },
  ],
});
