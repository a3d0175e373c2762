// FineWeb heuristics (Penedo et al. 2024, as in datatrove): punctuation-ended lines, short lines,
// characters in duplicated lines, newline-per-word (list) ratio.
import { findDuplicates, round6 } from './words.js';

const STOP_CHARS = ['.', "'", '"', '!', '?'];
/** Unicode Terminal_Punctuation, as datatrove's TERMINAL_PUNCTUATION (。！？।؟ ...): FineWeb-2's stop_chars. */
const TERMINAL = /\p{Terminal_Punctuation}$/u;
export const SHORT_LINE_CHARS = 30;
/** A line break: our text separates paragraphs with a blank line where trafilatura (FineWeb's thresholds) uses one. */
const LINE_BREAK = /\n(?:[^\S\n]*\n)*/g;

/**
 * `ends`: which line endings count as punctuated: FineWeb-1's five characters (English), or every terminal
 * punctuation mark of Unicode (FineWeb-2, every other language).
 */
export function finewebScores(text: string, wordCount: number, ends: 'fineweb' | 'terminal' = 'fineweb'): Record<string, number> {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const n = Math.max(lines.length, 1);
  const punct = ends === 'fineweb' ? lines.filter((l) => STOP_CHARS.some((c) => l.endsWith(c))).length : lines.filter((l) => TERMINAL.test(l)).length;
  const short = lines.filter((l) => l.length <= SHORT_LINE_CHARS).length;
  const dupChars = findDuplicates(lines).chars;
  const nonNewline = Math.max(text.length - (text.match(/\n/g)?.length ?? 0), 1);
  return {
    'fineweb.linePunct': round6(punct / n),
    'fineweb.shortLines': round6(short / n),
    'fineweb.dupLineChars': round6(dupChars / nonNewline),
    'fineweb.newlineRatio': round6((text.match(LINE_BREAK)?.length ?? 0) / Math.max(wordCount, 1)),
  };
}
