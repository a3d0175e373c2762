// exact-dedup: documents whose normalized text has the same 64-bit xxhash are one cluster; the first in
// input order is kept. Cheap, and it takes exact copies out before the MinHash step.
import xxhash from 'xxhash-wasm';
import { TextEncoder } from 'node:util';
import { z } from 'zod';
import { dedupNormalize } from './dedup/normalize.js';
import { defineDedupStage, type KeyColumns } from './stage.js';

const encoder = new TextEncoder();

export const exactDedup = defineDedupStage({
  name: 'exact-dedup',
  description: 'Exact duplicate removal: 64-bit xxhash of the normalized text (NFKC, lower case, no punctuation, folded spaces).',
  kind: 'dedup',
  options: z.object({}).strict(),
  async init() {
    return (await xxhash()).h64Raw;
  },
  map(docs, _o, h64Raw): KeyColumns {
    const rows = docs.length;
    const keys = new Uint32Array(rows * 2);
    const valid = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) {
      const norm = dedupNormalize(docs[r].text);
      if (!norm) continue;
      const h = h64Raw(encoder.encode(norm), 0n);
      keys[2 * r] = Number(h >> 32n);
      keys[2 * r + 1] = Number(h & 0xffffffffn);
      valid[r] = 1;
    }
    return { columns: 1, rows, keys, valid };
  },
});
