// The contract every input reader implements: one file (or a slice of one) in, documents and bad records out.
import type { ReadItem } from './doc.js';

export const FORMATS = ['jsonl', 'parquet', 'warc', 'email', 'text', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export interface ReaderOptions {
  /** Field (JSONL) or column (Parquet) that holds the text. */
  textField: string;
  /** Field or column that holds a document id; the id is derived from file + line/record when absent. */
  idField?: string;
  /** A record larger than this is rejected as `too-large` instead of being read into memory. */
  maxDocBytes: number;
}

/** One input file as a reader sees it: `source` is the path as the user named it, `range` a line-aligned slice. */
export interface InputFile {
  path: string;
  source: string;
  bytes: number;
  range?: { start: number; end: number; firstLine: number };
}

export type Reader = (file: InputFile, opts: ReaderOptions) => AsyncGenerator<ReadItem>;

/** A short, printable head of a raw record for error messages. */
export function preview(bytes: Uint8Array, max = 60): string {
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max)).toString('utf8');
  return JSON.stringify(bytes.length > max ? s + '…' : s);
}

/** Keeps at most 1 MiB of a raw record in rejected/, so one huge bad record cannot exhaust memory. */
export function rawSample(bytes: Uint8Array): Uint8Array {
  return bytes.length <= 1 << 20 ? Buffer.from(bytes) : Buffer.from(bytes.subarray(0, 1 << 20));
}

/** For one-document-per-file readers: an empty or over-large file is a bad record, read nothing. */
export function wholeFileProblem(file: InputFile, opts: ReaderOptions): ReadItem | null {
  const { source } = file;
  if (file.bytes === 0) return { kind: 'bad', bad: { source, location: 'file', reason: 'empty-file', message: 'the file is empty' } };
  if (file.bytes > opts.maxDocBytes) {
    const message = `file of ${file.bytes} bytes is over maxDocBytes (${opts.maxDocBytes}); raise input.maxDocBytes`;
    return { kind: 'bad', bad: { source, location: 'file', reason: 'too-large', message } };
  }
  return null;
}
