// Pre-tokenizer patterns. `\s` is spelled out as Unicode White_Space (what tiktoken's Rust regex means):
// JavaScript's \s also matches U+FEFF and misses U+0085, which would split text differently.
const WS = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ */
export const GPT2_PATTERN = `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`;

/** cl100k-style: case-insensitive contractions, digit runs of at most 3, punctuation with trailing newlines. */
export const CL100K_PATTERN =
  `(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*|[${WS}]*[\\r\\n]+|[${WS}]+(?![^${WS}])|[${WS}]+`;

/** Han, kana and the prolonged-sound and iteration marks: the scripts the cjk pattern cuts into short pieces. */
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u30fc\\u3005';

/**
 * GPT-2's pattern, except that runs of Han or kana become pre-tokens of at most 3 characters: a Chinese or
 * Japanese sentence is otherwise one pre-token, which BPE merges across word boundaries (bench: BENCH=cjk).
 */
export const CJK_PATTERN = `'s|'t|'re|'ve|'m|'ll|'d| ?[${CJK}]{1,3}| ?(?:(?![${CJK}])\\p{L})+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`;

/** The patterns as written in tokenizer.json and tiktoken (with \s), for export. */
export const PATTERN_SOURCE = {
  gpt2: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  cl100k: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  // Oniguruma (Hugging Face tokenizers) spells the script classes \p{Han}; the expression is the same.
  cjk: "'s|'t|'re|'ve|'m|'ll|'d| ?[\\p{Han}\\p{Hiragana}\\p{Katakana}\\x{30fc}\\x{3005}]{1,3}| ?(?:(?![\\p{Han}\\p{Hiragana}\\p{Katakana}\\x{30fc}\\x{3005}])\\p{L})+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
} as const;

export type PatternName = keyof typeof PATTERN_SOURCE;

export function patternRegex(name: PatternName): RegExp {
  return new RegExp(name === 'gpt2' ? GPT2_PATTERN : name === 'cjk' ? CJK_PATTERN : CL100K_PATTERN, 'gu');
}

/** The pre-tokens of a text, in order (they concatenate back to the text). */
export function* pretokenize(text: string, re: RegExp): Generator<string> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) yield m[0];
}
