// The default pipeline: `make corpus` runs it on the built-in sample corpus (data/sample, built by `sluice sample`).
import { definePipeline } from './define.js';

export default definePipeline({
  name: 'corpus',
  description: 'Sample corpus (WARC, email, JSONL.gz, Parquet, text) to a clean document table.',
  input: { format: 'auto', paths: ['data/sample'] },
  output: 'out/corpus',
  steps: [{ stage: 'normalize', unicode: 'NFC', minChars: 1 }],
});
