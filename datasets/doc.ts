// The document model shared by readers, stages and writers. Plain data only: it crosses threads.

/** Annotation values a stage may attach to a document. */
export type MetaValue = string | number | boolean | null;
export type Meta = Record<string, MetaValue>;

/** One document: `id` is stable (derived from the source file and line/record), `source` is the file it came from. */
export interface Doc {
  id: string;
  source: string;
  text: string;
  meta: Meta;
}

/** A document a stage (or the reader) refused, with the reason, kept in `rejected/`. */
export interface RejectedDoc extends Doc {
  stage: string;
  reason: string;
  /** The raw bytes of a record the reader could not parse (bad input only). */
  raw?: Uint8Array;
}

/** A record the reader could not turn into a document. `location` is `line 12` / `record 3 at byte 4096`. */
export interface BadRecord {
  source: string;
  location: string;
  reason: string;
  message: string;
  raw?: Uint8Array;
}

/** What a reader yields: a document, a bad record, or a record it skipped on purpose (not a document). */
export type ReadItem =
  | { kind: 'doc'; doc: Doc }
  | { kind: 'bad'; bad: BadRecord }
  | { kind: 'skip'; reason: string };

/** UTF-8 size of a string without allocating a buffer. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
