// The safetensors format (Hugging Face): 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the raw little-endian data. Only F32 is written here.
import { readFile } from 'node:fs/promises';
import { UserError } from '../datasets/errors.js';

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export function encodeSafetensors(tensors: NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.data.length * 4;
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // data starts 8-byte aligned
  const head = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, label: string): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  const bad = (why: string): never => {
    throw new UserError(`${label}: not a valid safetensors file (${why})`);
  };
  if (bytes.length < 8) bad('shorter than its 8-byte header length');
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > bytes.length) bad(`header of ${n} bytes runs past the end`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
  } catch (e) {
    return bad(`header is not JSON: ${(e as Error).message}`);
  }
  const base = 8 + n;
  const tensors = new Map<string, NamedTensor>();
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: [a, b] } = v as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (dtype !== 'F32') bad(`${name} has dtype ${dtype}; only F32 is read`);
    const count = shape.reduce((x, y) => x * y, 1);
    if (b - a !== count * 4 || base + b > bytes.length) bad(`${name}: byte range ${a}..${b} does not hold shape [${shape}]`);
    const copy = bytes.slice(base + a, base + b); // aligned copy
    tensors.set(name, { name, shape, data: new Float32Array(copy.buffer, copy.byteOffset, count) });
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string>) ?? {} };
}

export async function readSafetensors(path: string): Promise<Map<string, NamedTensor>> {
  return decodeSafetensors(await readFile(path), path).tensors;
}
