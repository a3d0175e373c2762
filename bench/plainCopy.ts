// Baseline for the engine benchmark: read JSONL lines, parse, write the same Parquet document table, one thread.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { DocTableWriter } from '../datasets/docTable.js';
import { planParts } from '../datasets/inputs.js';
import { readPart } from '../datasets/readPart.js';
import { peakRssBytes } from '../datasets/peakRss.js';

const [input, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const t0 = Date.now();
const parts = await planParts({ format: 'jsonl', paths: [input], textField: 'text', maxDocBytes: 256 << 20, partBytes: 64 << 20, partFiles: 2000 }, process.cwd());
let docs = 0;
let bytes = 0;
for (const part of parts) {
  const w = new DocTableWriter(join(out, `part-${part.index}.parquet`), false);
  for await (const item of readPart(part, { textField: 'text', maxDocBytes: 256 << 20 })) {
    if (item.kind !== 'doc') continue;
    docs += 1;
    bytes += Buffer.byteLength(item.doc.text);
    await w.write(item.doc);
  }
  await w.finish(true);
}
process.stdout.write(`${JSON.stringify({ docs, bytes, wallMs: Date.now() - t0, peakRssBytes: peakRssBytes() })}\n`);
