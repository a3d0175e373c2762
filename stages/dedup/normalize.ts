// The text both dedup stages compare: NFKC, lower case, punctuation, symbols and control characters
// removed, whitespace folded to one space.
const PUNCT = /[\p{P}\p{S}\p{Cc}\p{Cf}]+/gu;
const SPACE = /\s+/gu;

export function dedupNormalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(PUNCT, ' ').replace(SPACE, ' ').trim();
}
