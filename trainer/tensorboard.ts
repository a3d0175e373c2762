// TensorBoard event files: TFRecord framing (length, masked CRC-32C, payload, masked CRC-32C) around Event
// protocol buffers holding scalar summaries, so `tensorboard --logdir <run>` plots the metrics.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const CRC32C = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC32C[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function masked(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** Protocol-buffer encoding, just the wire types an Event needs. */
class Proto {
  private bytes: number[] = [];
  private varint(v: number | bigint): void {
    let x = BigInt(v);
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) b |= 0x80;
      this.bytes.push(b);
    } while (x > 0n);
  }
  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  double(field: number, v: number): this {
    this.key(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.bytes.push(...b);
    return this;
  }
  float(field: number, v: number): this {
    this.key(field, 5);
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.bytes.push(...b);
    return this;
  }
  int64(field: number, v: number): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }
  bytesField(field: number, v: Uint8Array): this {
    this.key(field, 2);
    this.varint(v.length);
    this.bytes.push(...v);
    return this;
  }
  string(field: number, v: string): this {
    return this.bytesField(field, Buffer.from(v, 'utf8'));
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export function tfRecord(payload: Uint8Array): Uint8Array {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(payload.length));
  const out = Buffer.alloc(8 + 4 + payload.length + 4);
  len.copy(out, 0);
  out.writeUInt32LE(masked(crc32c(len)), 8);
  out.set(payload, 12);
  out.writeUInt32LE(masked(crc32c(payload)), 12 + payload.length);
  return out;
}

/** Event { wall_time = 1; step = 2; file_version = 3; summary = 5 { value = 1 { tag = 1; simple_value = 2 } } } */
export function scalarEvent(step: number, scalars: Record<string, number>, wallTime = Date.now() / 1000): Uint8Array {
  const summary = new Proto();
  for (const [tag, v] of Object.entries(scalars)) summary.bytesField(1, new Proto().string(1, tag).float(2, v).done());
  return new Proto().double(1, wallTime).int64(2, step).bytesField(5, summary.done()).done();
}

export class EventWriter {
  readonly path: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${hostname()}.${process.pid}`);
    writeFileSync(this.path, tfRecord(new Proto().double(1, Date.now() / 1000).string(3, 'brain.Event:2').done()));
  }

  scalars(step: number, values: Record<string, number>): void {
    appendFileSync(this.path, tfRecord(scalarEvent(step, values)));
  }
}
