// Gopher quality and repetition statistics (Rae et al. 2021, as implemented in datatrove).
import { hashNgram, NgramTable } from './ngramTable.js';
import { findDuplicates, forEachWord, hasAlpha, isWord, round6, splitWords } from './words.js';

export const STOP_WORDS = new Set(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with']);

export interface GopherQualityScores {
  'gopher.words': number;
  'gopher.meanWordLength': number;
  'gopher.hashRatio': number;
  'gopher.ellipsisRatio': number;
  'gopher.bulletLines': number;
  'gopher.ellipsisLines': number;
  'gopher.alphaWords': number;
  'gopher.stopWords': number;
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Token statistics the Gopher quality rules need, gathered in one pass over the tokens. */
interface TokenStats {
  tokens: number;
  words: number;
  wordChars: number;
  stop: number;
  alpha: number;
}

/** Whether a token counts as a stop word (the language's list; case-sensitive, as datatrove). */
export type StopWordTest = (token: string) => boolean;

const englishStop: StopWordTest = (w) => STOP_WORDS.has(w);

function tokenStats(each: (visit: (t: string) => void) => void, isStop: StopWordTest): TokenStats {
  const s: TokenStats = { tokens: 0, words: 0, wordChars: 0, stop: 0, alpha: 0 };
  each((w) => {
    s.tokens++;
    if (isWord(w)) {
      s.words++;
      s.wordChars += w.length;
    }
    if (isStop(w)) s.stop++;
    if (hasAlpha(w)) s.alpha++;
  });
  return s;
}

/**
 * Gopher quality statistics. `words` are the document's tokens; without them the tokens are streamed by `each`
 * (default: the space-and-punctuation rule), so a document of any size costs no word array.
 */
export function gopherQuality(
  text: string,
  words?: string[],
  isStop: StopWordTest = englishStop,
  each: (text: string, visit: (t: string) => void) => void = (x, visit) => forEachWord(x, (w) => visit(w)),
): GopherQualityScores {
  const t = tokenStats(words ? (visit) => words.forEach((w) => visit(w)) : (visit) => each(text, visit), isStop);
  const n = Math.max(t.tokens, 1);
  const lines = text.split(/\r?\n/);
  let bullets = 0;
  let ellipsisEnd = 0;
  for (const line of lines) {
    const l = line.trimStart();
    if (l.startsWith('•') || l.startsWith('-')) bullets++;
    const r = line.trimEnd();
    if (r.endsWith('...') || r.endsWith('…')) ellipsisEnd++;
  }
  return {
    'gopher.words': t.words,
    'gopher.meanWordLength': round6(t.words ? t.wordChars / t.words : 0),
    'gopher.hashRatio': round6(count(text, '#') / n),
    'gopher.ellipsisRatio': round6((count(text, '...') + count(text, '…')) / n),
    'gopher.bulletLines': round6(bullets / lines.length),
    'gopher.ellipsisLines': round6(ellipsisEnd / lines.length),
    'gopher.alphaWords': round6(t.alpha / n),
    'gopher.stopWords': t.stop,
  };
}

export const TOP_NGRAMS = [2, 3, 4] as const;
export const DUP_NGRAMS = [5, 6, 7, 8, 9, 10] as const;

export type RepetitionScores = Record<string, number>;

/** Words as integer ids plus prefix sums of their lengths, so n-grams are hashed without building strings. */
interface WordIndex {
  ids: Int32Array;
  /** prefix[i] = total length of words[0..i). */
  prefix: Float64Array;
}

function indexWords(words: string[]): WordIndex {
  const vocab = new Map<string, number>();
  const ids = new Int32Array(words.length);
  const prefix = new Float64Array(words.length + 1);
  for (let i = 0; i < words.length; i++) {
    let id = vocab.get(words[i]);
    if (id === undefined) vocab.set(words[i], (id = vocab.size));
    ids[i] = id;
    prefix[i + 1] = prefix[i] + words[i].length;
  }
  return { ids, prefix };
}

/** Characters of the most frequent n-gram (words joined by spaces) times its count (datatrove's find_top_duplicate). */
function topNgramChars(w: WordIndex, n: number, table: NgramTable): number {
  const total = w.ids.length;
  if (total < n) return 0;
  table.clear();
  const h = new Int32Array(2);
  let best = 0;
  for (let i = 0; i + n <= total; i++) {
    hashNgram(w.ids, i, n, h);
    const chars = table.add(h[0], h[1]) * (w.prefix[i + n] - w.prefix[i] + n - 1);
    if (chars > best) best = chars;
  }
  return best;
}

/** Characters in n-grams that repeat an earlier one, skipping past each repeat (datatrove's find_all_duplicate). */
function duplicatedNgramChars(w: WordIndex, n: number, table: NgramTable): number {
  table.clear();
  const h = new Int32Array(2);
  let chars = 0;
  for (let i = 0; i < w.ids.length - n + 1; ) {
    hashNgram(w.ids, i, n, h);
    if (table.add(h[0], h[1]) > 1) {
      chars += w.prefix[i + n] - w.prefix[i];
      i += n;
    } else i += 1;
  }
  return chars;
}

export function gopherRepetition(text: string, words = splitWords(text)): RepetitionScores {
  const len = Math.max(text.length, 1);
  const paragraphs = text.trim().split(/\n{2,}/);
  const lines = text.split(/\n+/);
  const p = findDuplicates(paragraphs);
  const l = findDuplicates(lines);
  const s: RepetitionScores = {
    'repetition.dupParaFrac': round6(p.count / paragraphs.length),
    'repetition.dupParaCharFrac': round6(p.chars / len),
    'repetition.dupLineFrac': round6(l.count / lines.length),
    'repetition.dupLineCharFrac': round6(l.chars / len),
  };
  const index = indexWords(words);
  const table = new NgramTable(words.length);
  for (const n of TOP_NGRAMS) s[`repetition.top${n}gram`] = round6(topNgramChars(index, n, table) / len);
  for (const n of DUP_NGRAMS) s[`repetition.dup${n}gram`] = round6(duplicatedNgramChars(index, n, table) / len);
  return s;
}
