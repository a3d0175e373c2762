// Atomic outputs: write to a temporary name, then rename, so a killed run never leaves a half file in place.
// A filesystem failure names the path and says what to do (a full disk, a read-only or forbidden folder).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from './errors.js';

/** The temporary name a file is written under before it is renamed into place. */
export function tempPath(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

const HINTS: Record<string, string> = {
  ENOSPC: 'the disk is full: free space or point --out at a larger disk, then run the same command again (finished parts are kept)',
  EDQUOT: 'the disk quota is used up: free space or point --out elsewhere, then run the same command again (finished parts are kept)',
  EROFS: 'the filesystem is read-only: choose a writable --out',
  EACCES: 'no permission to write there: fix the permissions or choose another --out',
  EPERM: 'the operation is not permitted there: fix the permissions or choose another --out',
};

/** A filesystem error as a UserError that names `path` and what to do; other errors unchanged. */
export function explainFsError(e: unknown, path: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const hint = code ? HINTS[code] : undefined;
  if (!hint) return e;
  return new UserError(`${path}: cannot write (${code}): ${hint}`);
}

/** Runs a write, turning filesystem failures into errors that name `path`. */
export async function writingTo<T>(path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    throw explainFsError(e, path);
  }
}

export function mkdirOrExplain(dir: string): Promise<unknown> {
  return writingTo(dir, () => mkdir(dir, { recursive: true }));
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPath(path);
  await writingTo(path, async () => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, path);
  }).catch(async (e: unknown) => {
    await rm(tmp, { force: true }).catch(() => undefined); // never leave a half-written temporary behind
    throw e;
  });
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true, recursive: true });
}
