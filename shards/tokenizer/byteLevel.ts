// GPT-2's byte-level alphabet: every byte maps to a printable character, so tokens are plain strings.
// `BYTE_ORDER` is GPT-2's order of the 256 bytes (printable first), which is also the order of ids 0..255.

function buildOrder(): number[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) bs.push(b);
  return bs;
}

/** Bytes in GPT-2 id order: BYTE_ORDER[id] = byte for ids 0..255. */
export const BYTE_ORDER: readonly number[] = buildOrder();

/** byte -> its printable character (GPT-2's bytes_to_unicode). */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const out: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    out[b] = String.fromCharCode(printable ? b : 256 + extra++);
  }
  return out;
})();

export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/** A token's bytes as GPT-2 byte-level characters (the form tokenizer.json stores). */
export function bytesToChars(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += BYTE_TO_CHAR[b];
  return s;
}

export function charsToBytes(chars: string): Uint8Array {
  const out = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) {
    const b = CHAR_TO_BYTE.get(chars[i]);
    if (b === undefined) throw new Error(`not a byte-level character: ${JSON.stringify(chars[i])}`);
    out[i] = b;
  }
  return out;
}
