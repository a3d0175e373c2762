// A write that fails on the filesystem names the file and what to do, and leaves no temporary file behind.
import assert from 'node:assert/strict';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { explainFsError, tempPath, writeFileAtomic } from '../../datasets/atomicFile.js';
import { UserError } from '../../datasets/errors.js';
import { tmp } from '../helpers.js';

test('a full disk (ENOSPC, written to /dev/full) names the file and says what to do; nothing half-written stays', async () => {
  const path = join(tmp(), 'manifest.json');
  symlinkSync('/dev/full', tempPath(path)); // the temporary this process would write lands on a full device
  await assert.rejects(writeFileAtomic(path, 'x'.repeat(100_000)), {
    name: 'UserError',
    message: `${path}: cannot write (ENOSPC): the disk is full: free space or point --out at a larger disk, then run the same command again (finished parts are kept)`,
  });
  assert.ok(!existsSync(tempPath(path)) && !existsSync(path));
});

test('read-only and forbidden folders get their own hint; other errors pass through unchanged', () => {
  const ro = explainFsError(Object.assign(new Error("EROFS: read-only file system, mkdir '/data/out'"), { code: 'EROFS' }), '/data/out');
  assert.ok(ro instanceof UserError);
  assert.equal(ro.message, '/data/out: cannot write (EROFS): the filesystem is read-only: choose a writable --out');
  const other = new Error('boom');
  assert.equal(explainFsError(other, '/x'), other);
});
