// Schema errors as one line per problem with the path of the bad key: `steps[2].minWords: expected number, got "ten"`.
import type { z } from 'zod';

function pathString(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v = root;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s && s.length > 40 ? `${s.slice(0, 40)}…` : String(s);
}

/**
 * One line per problem. `prefix` is where the checked object sits in `root`; `known` lists the valid keys for an
 * unknown-key error (or gives them for the issue's path); `noun` is what a key is called there ("option" for a stage's options, "key" elsewhere).
 */
export function formatIssues(
  issues: z.core.$ZodIssue[],
  root: unknown,
  prefix: PropertyKey[],
  known?: string[] | ((path: PropertyKey[]) => string[] | undefined),
  noun = 'option',
): string[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    const at = pathString(path);
    const where = at ? `${at}: ` : '';
    if (issue.code === 'invalid_type') return `${where}expected ${issue.expected}, got ${describe(valueAt(root, path))}`;
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      const keysHere = typeof known === 'function' ? known(issue.path) : known;
      const valid = keysHere && keysHere.length ? ` (valid: ${keysHere.join(', ')})` : '';
      return `${where}unknown ${noun}${issue.keys.length > 1 ? 's' : ''} ${keys}${valid}`;
    }
    return `${where}${issue.message.replace(/^Invalid (input|option): /, '')}, got ${describe(valueAt(root, path))}`;
  });
}
