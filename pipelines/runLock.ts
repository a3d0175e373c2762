// One run per output folder at a time: a lock file with the owner's pid, host and command. A second run says who
// holds it and stops; a lock left by a process that is gone (same host, dead pid) is taken over, with a message.
import { hostname } from 'node:os';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../datasets/errors.js';

export const LOCK_FILE = 'run.lock';

interface LockOwner {
  pid: number;
  host: string;
  started: string;
  command: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

async function create(path: string, me: LockOwner): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    await fh.writeFile(`${JSON.stringify(me)}\n`);
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Takes the lock of `out` (which must exist) or throws a UserError naming the run that holds it; returns the release. */
export async function lockRun(out: string, warn: (m: string) => void = (m) => process.stderr.write(`sluice: ${m}\n`)): Promise<() => Promise<void>> {
  const path = join(out, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await create(path, me)) return () => rm(path, { force: true });
    let owner: LockOwner | undefined;
    try {
      owner = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    } catch {
      owner = undefined; // being written right now, or unreadable: look again
    }
    if (owner && owner.host === me.host && !alive(owner.pid)) {
      warn(`${path}: taking over the lock of a run that is gone (pid ${owner.pid}, started ${owner.started}); its temporary files are removed`);
      await rm(path, { force: true });
      continue;
    }
    if (owner) {
      throw new UserError(
        `${out} is in use by another run: pid ${owner.pid} on ${owner.host}, started ${owner.started} (${owner.command}).\n` +
          `Wait for it to finish or stop it, or use another --out. If that run is gone (another host, a crash), delete ${path}.`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new UserError(`${path}: could not take the lock (unreadable lock file); delete it if no run is using ${out}`);
}
