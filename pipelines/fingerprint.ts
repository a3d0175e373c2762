// Fingerprints chain each step's options to everything upstream, so changed options invalidate what follows.
import { createHash } from 'node:crypto';
import type { InputSpec, Part } from '../datasets/inputs.js';

export function hashJson(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** Identifies the input: reader options, the part plan, each file's name and size, and the bad-input policy. */
export function inputFingerprint(spec: InputSpec, parts: Part[], onBadInput: string): string {
  const { paths: _paths, ...readerOptions } = spec;
  const plan = parts.map((p) => ({ format: p.format, files: p.files.map((f) => [f.source, f.bytes, f.range ?? null]) }));
  return hashJson({ readerOptions, plan, onBadInput });
}

/** `version` is the stage's own: bumped when its output changes for the same options. */
export function stepFingerprint(stage: string, version: number, options: Record<string, unknown>, upstream: string): string {
  return hashJson({ stage, version, options, upstream, manifestVersion: 1 });
}
