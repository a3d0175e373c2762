// The train/validation split: by a hash of the document id, so the same document always lands on the same
// side, re-running keeps the split, and no document is in both.
import { createHash } from 'node:crypto';

export const DEFAULT_VALIDATION_FRACTION = 0.005;

/** The rule as the shard manifest states it. */
export const SPLIT_RULE = 'validation when sha1("split:" + doc_id), first 48 bits / 2^48, is below validationFraction';

/** A uniform number in [0, 1) from a string (first 48 bits of its SHA-1). */
export function hashUnit(s: string): number {
  const h = createHash('sha1').update(s).digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}

export function isValidation(docId: string, validationFraction = DEFAULT_VALIDATION_FRACTION): boolean {
  return hashUnit(`split:${docId}`) < validationFraction;
}

/** A deterministic sample of documents: each is in with probability `fraction`, by its id. */
export function inSample(docId: string, fraction: number): boolean {
  return fraction >= 1 || hashUnit(`sample:${docId}`) < fraction;
}
