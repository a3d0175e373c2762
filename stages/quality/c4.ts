// C4 heuristics (Raffel et al. 2020, as in datatrove): line-level removal that rewrites the text, and
// document-level signals (lorem ipsum, curly brackets, sentence count) left to the filter step.

export interface C4LineOptions {
  /** Remove lines that do not end in terminal punctuation (off by default: FineWeb found it removes too much). */
  dropNoTerminalPunct: boolean;
  minWordsPerLine: number;
  maxWordLength: number;
  dropJavascriptLines: boolean;
  dropPolicyLines: boolean;
  removeCitations: boolean;
}

const END_PUNCTUATION = ['.', '?', '!', '"', "'"];
const POLICY = ['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'];
const CITATION = /\[\d*\]|\[edit\]|\[citation needed\]/gi;
const SENTENCE_END = /[.!?]+(?=\s|$)/g;

export interface C4Result {
  text: string;
  linesRemoved: Record<string, number>;
  lorem: boolean;
  curly: boolean;
  sentences: number;
}

/** Sentences in a line: terminal punctuation followed by a space or the end; a line without any is one. */
function sentences(line: string): number {
  return Math.max(1, line.match(SENTENCE_END)?.length ?? 0);
}

export function c4Lines(text: string, o: C4LineOptions): C4Result {
  const kept: string[] = [];
  const removed: Record<string, number> = {};
  const drop = (why: string): void => {
    removed[why] = (removed[why] ?? 0) + 1;
  };
  let lorem = false;
  let curly = false;
  let count = 0;
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '') continue;
    const words = line.split(/\s+/);
    if (words.some((w) => w.length > o.maxWordLength)) {
      drop('too-long-word');
      continue;
    }
    if (o.removeCitations) line = line.replace(CITATION, '');
    if (o.dropNoTerminalPunct && (!END_PUNCTUATION.some((p) => line.endsWith(p)) || line.endsWith('...'))) {
      drop('no-terminal-punct');
      continue;
    }
    if (words.length < o.minWordsPerLine) {
      drop('too-few-words');
      continue;
    }
    const lower = line.toLowerCase();
    if (lower.includes('lorem ipsum')) lorem = true;
    if (o.dropJavascriptLines && lower.includes('javascript')) {
      drop('javascript');
      continue;
    }
    if (line.includes('{')) curly = true;
    if (o.dropPolicyLines && POLICY.some((p) => lower.includes(p))) {
      drop('policy');
      continue;
    }
    count += sentences(line);
    kept.push(line);
  }
  return { text: kept.join('\n'), linesRemoved: removed, lorem, curly, sentences: count };
}
