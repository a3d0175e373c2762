// Reads every file of a part with the reader for its format, in order.
import type { ReadItem } from './doc.js';
import { readEmail } from './email.js';
import type { Part } from './inputs.js';
import { readJsonl } from './jsonl.js';
import { readParquet } from './parquet.js';
import type { Format, Reader, ReaderOptions } from './readerTypes.js';
import { readHtml, readText } from './textFile.js';
import { readWarc } from './warc.js';

export const READERS: Record<Format, Reader> = {
  jsonl: readJsonl,
  parquet: readParquet,
  warc: readWarc,
  email: readEmail,
  text: readText,
  html: readHtml,
};

export async function* readPart(part: Part, opts: ReaderOptions): AsyncGenerator<ReadItem> {
  const read = READERS[part.format];
  for (const file of part.files) {
    yield* read(file, opts);
  }
}
