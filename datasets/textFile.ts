// Plain .txt and .html files: one document per file. Text must be UTF-8; HTML honours its declared charset.
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { decodeText, sniffHtmlCharset } from './charset.js';
import type { ReadItem } from './doc.js';
import { rawSample, wholeFileProblem, type InputFile, type ReaderOptions } from './readerTypes.js';

async function* readWhole(file: InputFile, opts: ReaderOptions, html: boolean): AsyncGenerator<ReadItem> {
  const { source } = file;
  const problem = wholeFileProblem(file, opts);
  if (problem) {
    yield problem;
    return;
  }
  const bytes = await readFile(file.path);
  let text: string;
  let charset = 'utf-8';
  let guessed = false;
  if (html) {
    const decoded = decodeText(bytes, sniffHtmlCharset(bytes));
    text = decoded.text;
    charset = decoded.charset;
    guessed = decoded.guessed;
  } else {
    if (!isUtf8(bytes)) {
      const message = 'not valid UTF-8; convert the file to UTF-8 (e.g. iconv -f LATIN1 -t UTF-8)';
      yield { kind: 'bad', bad: { source, location: 'file', reason: 'invalid-utf8', message, raw: rawSample(bytes) } };
      return;
    }
    text = bytes.toString('utf8');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const meta = { contentType: html ? 'text/html' : 'text/plain', charset, ...(guessed ? { charsetGuessed: true } : {}) };
  yield { kind: 'doc', doc: { id: source, source, text, meta } };
}

export function readText(file: InputFile, opts: ReaderOptions): AsyncGenerator<ReadItem> {
  return readWhole(file, opts, false);
}

export function readHtml(file: InputFile, opts: ReaderOptions): AsyncGenerator<ReadItem> {
  return readWhole(file, opts, true);
}
