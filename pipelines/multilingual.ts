// The multilingual pipeline (`sluice run multilingual`) on the sample corpus: every language, each with its own
// words, thresholds and dedup (FineWeb-2's recipe), keeping the languages that have enough text; no tokenizer.
import { definePipeline } from './define.js';

export default definePipeline({
  name: 'multilingual',
  description: 'Sample corpus to clean documents in every language with enough text, filtered and deduplicated per language.',
  input: { format: 'auto', paths: ['data/sample'] },
  output: 'out/multilingual',
  steps: [
    { stage: 'html-strip' },
    { stage: 'normalize', unicode: 'NFC', minChars: 1 },
    { stage: 'lang-detect' },
    { stage: 'quality-scores' },
    { stage: 'quality' },
    { stage: 'exact-dedup' },
    { stage: 'minhash-dedup', bands: 14, rows: 8 },
    { stage: 'lang-share', minDocs: 3, minBytes: 10_000 },
  ],
});
