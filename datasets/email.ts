// Raw email files (RFC 822 / MIME): headers removed, body parts decoded into one document per file.
import { readFile } from 'node:fs/promises';
import type { ReadItem } from './doc.js';
import { MAX_DEPTH, decodeHeaderWords, joinParts, parseEntity, textParts } from './mime.js';
import { wholeFileProblem, type InputFile, type ReaderOptions } from './readerTypes.js';

export async function* readEmail(file: InputFile, opts: ReaderOptions): AsyncGenerator<ReadItem> {
  const { source } = file;
  const problem = wholeFileProblem(file, opts);
  if (problem) {
    yield problem;
    return;
  }
  const raw = (await readFile(file.path)).toString('latin1');
  const entity = parseEntity(raw);
  if (entity.headers.size === 0) {
    const message = 'no email headers found (expected "Name: value" lines, then a blank line, then the body)';
    yield { kind: 'bad', bad: { source, location: 'file', reason: 'not-an-email', message, raw: Buffer.from(raw.slice(0, 1 << 20), 'latin1') } };
    return;
  }
  const dropped = { tooDeep: 0 };
  const parts = textParts(entity, 0, dropped);
  if (parts.length === 0) {
    if (dropped.tooDeep > 0) {
      const message = `every text part is nested deeper than ${MAX_DEPTH} MIME levels (${dropped.tooDeep} left out); a hostile or broken message`;
      yield { kind: 'bad', bad: { source, location: 'file', reason: 'mime-too-deep', message, raw: Buffer.from(raw.slice(0, 1 << 20), 'latin1') } };
    } else yield { kind: 'skip', reason: 'no-text-part' };
    return;
  }
  const { text, html } = joinParts(parts);
  const subject = entity.headers.get('subject');
  yield {
    kind: 'doc',
    doc: {
      id: source,
      source,
      text,
      meta: {
        contentType: html ? 'text/html' : 'text/plain',
        subject: subject === undefined ? null : decodeHeaderWords(subject),
        date: entity.headers.get('date') ?? null,
        messageId: entity.headers.get('message-id') ?? null,
        ...(dropped.tooDeep > 0 ? { mimePartsTooDeep: dropped.tooDeep } : {}),
      },
    },
  };
}
