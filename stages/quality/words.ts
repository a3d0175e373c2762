// Word splitting shared by the quality heuristics: words keep inner apostrophes, hyphens and dots
// ("don't", "e-mail", "3.5"); other punctuation marks are separate tokens, as a Treebank tokenizer gives.
// Zero-width (non-)joiners inside a word belong to it (Malayalam chillu, Persian, Indic conjuncts), and the
// Ethiopic word space ፡ separates words as a space does.
const W = '\\p{L}\\p{M}\\p{N}';
const ZW = '\\u200C\\u200D';
const WORD = new RegExp(`[${W}][${W}${ZW}]*(?:['’.\\-][${W}][${W}${ZW}]*)*|[^\\s${W}\\u1361]+`, 'gu');
const HAS_WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const HAS_ALPHA = /\p{L}/u;

export function splitWords(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Calls `visit` for every token of `text` in order without building an array (for documents of any size). */
export function forEachWord(text: string, visit: (token: string, end: number) => boolean | void): void {
  const re = new RegExp(WORD.source, WORD.flags);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) if (visit(m[0], re.lastIndex) === false) return;
}

/** Non-symbol words of a text, counted without building an array. */
export function countWords(text: string): number {
  let n = 0;
  forEachWord(text, (t) => void (isWord(t) && n++));
  return n;
}

/** A token with at least one letter or digit (datatrove: "non-symbol word"). */
export function isWord(token: string): boolean {
  return HAS_WORD_CHAR.test(token);
}

export function hasAlpha(token: string): boolean {
  return HAS_ALPHA.test(token);
}

/** Counts elements seen before, and their characters (datatrove's find_duplicates). */
export function findDuplicates(items: string[]): { count: number; chars: number } {
  const seen = new Set<string>();
  let count = 0;
  let chars = 0;
  for (const x of items) {
    if (seen.has(x)) {
      count += 1;
      chars += x.length;
    } else seen.add(x);
  }
  return { count, chars };
}

/** Rounds a ratio for storage in meta: 6 decimals is plenty for thresholds and keeps rows small. */
export function round6(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : 0;
}
