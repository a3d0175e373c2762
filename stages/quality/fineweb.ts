// FineWeb heuristics (Penedo et al. 2024, as in datatrove): punctuation-ended lines, short lines,
// characters in duplicated lines, newline-per-word (list) ratio.
import { findDuplicates, round6 } from './words.js';

const STOP_CHARS = ['.', "'", '"', '!', '?'];
export const SHORT_LINE_CHARS = 30;

export function finewebScores(text: string, wordCount: number): Record<string, number> {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const n = Math.max(lines.length, 1);
  const punct = lines.filter((l) => STOP_CHARS.some((c) => l.endsWith(c))).length;
  const short = lines.filter((l) => l.length <= SHORT_LINE_CHARS).length;
  const dupChars = findDuplicates(lines).chars;
  const nonNewline = Math.max(text.length - (text.match(/\n/g)?.length ?? 0), 1);
  return {
    'fineweb.linePunct': round6(punct / n),
    'fineweb.shortLines': round6(short / n),
    'fineweb.dupLineChars': round6(dupChars / nonNewline),
    'fineweb.newlineRatio': round6((text.match(/\n/g)?.length ?? 0) / Math.max(wordCount, 1)),
  };
}
