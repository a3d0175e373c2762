// A byte-level BPE tokenizer: GPT-2 pre-tokenization, merges by rank, special tokens never produced from
// text. Two flavours of merge table: tiktoken's (any split of a token merges at that token's rank, and a
// pre-token that is itself a token is taken whole) for the built-in gpt2, and Hugging Face's (only the
// learned merges) for trained tokenizers, so each matches its reference implementation exactly.
import { createHash } from 'node:crypto';
import { TextDecoder, TextEncoder } from 'node:util';
import { BYTE_ORDER, bytesToChars, charsToBytes } from './byteLevel.js';
import { applyMerges } from './merge.js';
import { PairTable } from './pairTable.js';
import { PATTERN_SOURCE, patternRegex, type PatternName } from './pattern.js';

export type MergeStyle = 'tiktoken' | 'merges';

export interface TokenizerData {
  name: string;
  pattern: PatternName;
  style: MergeStyle;
  /** id -> bytes, for every non-special id 0..n-1. */
  tokens: Uint8Array[];
  /** Merges in rank order as (left id, right id, merged id) ('merges' style). */
  merges: [number, number, number][];
  specials: Record<string, number>;
}

const CACHE_MAX = 100_000;
const encoder = new TextEncoder();
const latin1 = (b: Uint8Array): string => (b.length < 4096 ? String.fromCharCode(...b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'));

export class Tokenizer {
  readonly vocabSize: number;
  private readonly byteToId = new Int32Array(256).fill(-1);
  private readonly table: PairTable;
  private readonly mergedId: Int32Array;
  private readonly whole = new Map<string, number>();
  private readonly re: RegExp;
  private readonly idToSpecial = new Map<number, string>();
  private cache = new Map<string, number[]>();

  constructor(readonly data: TokenizerData) {
    const { tokens } = data;
    this.vocabSize = Math.max(tokens.length, ...Object.values(data.specials).map((v) => v + 1));
    tokens.forEach((t, id) => {
      if (t.length === 1 && this.byteToId[t[0]] === -1) this.byteToId[t[0]] = id;
    });
    const missing = this.byteToId.indexOf(-1);
    if (missing !== -1) throw new Error(`tokenizer ${data.name}: byte ${missing} has no token; a byte-level vocabulary needs all 256`);
    for (const [s, id] of Object.entries(data.specials)) this.idToSpecial.set(id, s);
    this.re = patternRegex(data.pattern);
    if (data.style === 'tiktoken') {
      // rank == id: every split of a token into two tokens merges at the token's rank.
      const keys = tokens.map((t) => String.fromCharCode(...t)); // one char per byte: substrings are splits
      const byBytes = new Map<string, number>();
      keys.forEach((k, id) => byBytes.set(k, id));
      this.table = new PairTable(tokens.length * 4);
      this.mergedId = new Int32Array(tokens.length);
      keys.forEach((key, id) => {
        this.mergedId[id] = id;
        if (key.length < 2) return;
        this.whole.set(key, id);
        for (let k = 1; k < key.length; k++) {
          const x = byBytes.get(key.slice(0, k));
          if (x === undefined || x >= id) continue;
          const y = byBytes.get(key.slice(k));
          if (y !== undefined && y < id) this.table.set(x, y, id);
        }
      });
    } else {
      this.table = new PairTable(data.merges.length);
      this.mergedId = new Int32Array(data.merges.length);
      data.merges.forEach(([x, y, merged], rank) => {
        this.table.set(x, y, rank);
        this.mergedId[rank] = merged;
      });
    }
  }

  get name(): string {
    return this.data.name;
  }

  /** The id of a special token such as <|endoftext|>. */
  special(token: string): number {
    const id = this.data.specials[token];
    if (id === undefined) throw new Error(`tokenizer ${this.name} has no special token ${token} (it has: ${Object.keys(this.data.specials).join(', ') || 'none'}); train it with that special token or set the encode step's eotToken`);
    return id;
  }

  /** Ids of one pre-token's UTF-8 bytes. */
  private encodePiece(piece: string): number[] {
    const bytes = encoder.encode(piece);
    if (bytes.length === 1) return [this.byteToId[bytes[0]]];
    if (this.data.style === 'tiktoken') {
      const id = this.whole.get(latin1(bytes));
      if (id !== undefined) return [id];
    }
    const ids = new Array<number>(bytes.length);
    for (let i = 0; i < bytes.length; i++) ids[i] = this.byteToId[bytes[i]];
    return applyMerges(ids, this.table, this.mergedId);
  }

  /** Plain text to ids; special-token text is encoded as ordinary text, never as the special id. */
  encode(text: string, out: number[] = []): number[] {
    const re = this.re;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const piece = m[0];
      let ids = this.cache.get(piece);
      if (ids === undefined) {
        ids = this.encodePiece(piece);
        if (piece.length <= 64) {
          if (this.cache.size >= CACHE_MAX) this.cache = new Map(); // bounded: start over rather than grow
          this.cache.set(piece, ids);
        }
      }
      for (let i = 0; i < ids.length; i++) out.push(ids[i]);
    }
    return out;
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const parts: Uint8Array[] = [];
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const t = this.data.tokens[id] ?? (this.idToSpecial.has(id) ? encoder.encode(this.idToSpecial.get(id)!) : undefined);
      if (!t) throw new Error(`token id ${id} is not in tokenizer ${this.name} (vocabulary ${this.vocabSize})`);
      parts.push(t);
      n += t.length;
    }
    const out = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    return new TextDecoder('utf-8').decode(this.decodeBytes(ids));
  }

  /** The Hugging Face tokenizer.json form (BPE model, ByteLevel pre-tokenizer and decoder). */
  toHuggingFace(): object {
    if (this.data.style !== 'merges') throw new Error(`tokenizer ${this.name} uses tiktoken-style ranks; only trained tokenizers export to tokenizer.json`);
    const vocab: Record<string, number> = {};
    this.data.tokens.forEach((t, id) => (vocab[bytesToChars(t)] = id));
    const merges = this.data.merges.map(([x, y]) => [bytesToChars(this.data.tokens[x]), bytesToChars(this.data.tokens[y])]);
    const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: this.data.pattern === 'gpt2' };
    const preTokenizer =
      this.data.pattern === 'gpt2'
        ? byteLevel
        : { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: PATTERN_SOURCE[this.data.pattern] }, behavior: 'Isolated', invert: false }, byteLevel] };
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: Object.entries(this.data.specials).map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: null,
      pre_tokenizer: preTokenizer,
      post_processor: null,
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
    };
  }

  /** Identifies the tokenizer (vocabulary, merges, specials, pattern, style) for shard metadata. */
  hash(): string {
    const h = createHash('sha256');
    h.update(JSON.stringify([this.data.pattern, this.data.style, this.data.specials, this.data.merges.length]));
    for (const t of this.data.tokens) h.update(Buffer.from([t.length & 0xff, t.length >> 8])).update(t);
    for (const [x, y, m] of this.data.merges) h.update(`${x},${y},${m};`);
    return h.digest('hex');
  }
}

/** Reads a tokenizer.json written by `toHuggingFace` (or any byte-level BPE tokenizer.json with string merges). */
export function fromHuggingFace(json: unknown, name = 'tokenizer.json'): Tokenizer {
  const j = json as {
    model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[] };
    added_tokens?: { id: number; content: string; special?: boolean }[];
    pre_tokenizer?: { type?: string; pretokenizers?: { type?: string; pattern?: { Regex?: string } }[] };
  };
  if (j.model?.type !== 'BPE' || !j.model.vocab || !j.model.merges) throw new Error(`${name}: not a BPE tokenizer.json (model.type must be "BPE" with vocab and merges)`);
  const vocab = j.model.vocab;
  const size = Math.max(...Object.values(vocab)) + 1;
  const tokens: Uint8Array[] = new Array(size);
  for (const [chars, id] of Object.entries(vocab)) tokens[id] = charsToBytes(chars);
  const merges: [number, number, number][] = j.model.merges.map((m, i) => {
    const [a, b] = typeof m === 'string' ? (m.split(' ') as [string, string]) : m;
    const x = vocab[a];
    const y = vocab[b];
    const merged = vocab[a + b];
    if (x === undefined || y === undefined || merged === undefined) throw new Error(`${name}: merge ${i} ("${a} ${b}") names tokens not in the vocabulary`);
    return [x, y, merged];
  });
  const specials: Record<string, number> = {};
  for (const t of j.added_tokens ?? []) specials[t.content] = t.id;
  // The pattern: plain ByteLevel means GPT-2's; a Split with the cl100k regex means cl100k.
  const split = j.pre_tokenizer?.pretokenizers?.find((p) => p.type === 'Split')?.pattern?.Regex;
  const pattern: PatternName = split === PATTERN_SOURCE.cl100k ? 'cl100k' : split === PATTERN_SOURCE.cjk ? 'cjk' : 'gpt2';
  if (split !== undefined && split !== PATTERN_SOURCE.cl100k && split !== PATTERN_SOURCE.cjk) throw new Error(`${name}: unsupported pre-tokenizer regex ${JSON.stringify(split)} (sluice knows gpt2, cl100k and cjk)`);
  return new Tokenizer({ name, pattern, style: 'merges', tokens, merges, specials });
}

/** The initial 256 byte tokens in GPT-2 order (ids 0..255). */
export function byteTokens(): Uint8Array[] {
  return BYTE_ORDER.map((b) => Uint8Array.of(b));
}
