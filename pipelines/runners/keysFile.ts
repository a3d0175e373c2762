// The binary file a dedup stage's map writes per part: magic, version, then key columns and a valid mask.
// Column-major, so the reduce reads one column (one LSH band) of every part without reading the rest.
import { open, readFile } from 'node:fs/promises';
import type { KeyColumns } from '../../stages/stage.js';

const MAGIC = 'SLKEYS';
const VERSION = 1;
const HEADER_BYTES = 16; // magic (6) + version (u16) + columns (u32) + rows (u32)

export function encodeKeys(k: KeyColumns): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt16LE(VERSION, 6);
  header.writeUInt32LE(k.columns, 8);
  header.writeUInt32LE(k.rows, 12);
  return Buffer.concat([header, Buffer.from(k.keys.buffer, k.keys.byteOffset, k.keys.byteLength), Buffer.from(k.valid)]);
}

function header(buf: Buffer, path: string): { columns: number; rows: number } {
  if (buf.length < HEADER_BYTES || buf.toString('latin1', 0, 6) !== MAGIC || buf.readUInt16LE(6) !== VERSION) {
    throw new Error(`${path}: not a sluice keys file (version ${VERSION}); delete it and rerun the step`);
  }
  return { columns: buf.readUInt32LE(8), rows: buf.readUInt32LE(12) };
}

export async function readKeys(path: string): Promise<KeyColumns> {
  const buf = await readFile(path);
  const { columns, rows } = header(buf, path);
  const keyBytes = columns * rows * 8;
  if (buf.length !== HEADER_BYTES + keyBytes + rows) throw new Error(`${path}: truncated keys file; delete it and rerun the step`);
  const keys = new Uint32Array(columns * rows * 2);
  Buffer.from(keys.buffer).set(buf.subarray(HEADER_BYTES, HEADER_BYTES + keyBytes));
  const valid = new Uint8Array(buf.subarray(HEADER_BYTES + keyBytes));
  return { columns, rows, keys, valid };
}

/** One column of one part's keys (2 x rows uint32) and the valid mask, read with two positioned reads. */
export async function readKeyColumn(path: string, column: number): Promise<{ keys: Uint32Array; valid: Uint8Array }> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEADER_BYTES);
    await fh.read(head, 0, HEADER_BYTES, 0);
    const { columns, rows } = header(head, path);
    const keys = new Uint32Array(rows * 2);
    if (column < columns) await fh.read(new Uint8Array(keys.buffer), 0, rows * 8, HEADER_BYTES + column * rows * 8);
    const valid = new Uint8Array(rows);
    await fh.read(valid, 0, rows, HEADER_BYTES + columns * rows * 8);
    return { keys, valid };
  } finally {
    await fh.close();
  }
}

/** Concatenates per-batch key columns (each column-major) into one part's columns. */
export function concatKeys(batches: KeyColumns[], columns: number): KeyColumns {
  const rows = batches.reduce((n, b) => n + b.rows, 0);
  const keys = new Uint32Array(columns * rows * 2);
  const valid = new Uint8Array(rows);
  let at = 0;
  for (const b of batches) {
    for (let c = 0; c < columns; c++) keys.set(b.keys.subarray(2 * c * b.rows, 2 * (c + 1) * b.rows), 2 * (c * rows + at));
    valid.set(b.valid, at);
    at += b.rows;
  }
  return { columns, rows, keys, valid };
}
