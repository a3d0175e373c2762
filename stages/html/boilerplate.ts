// Text helpers shared by the extractors: the cookie/legal line test, a bounded word count, and joining blocks.
import type { Block } from './extract.js';

const LEGAL =
  /\b(we use cookies|this (web)?site uses cookies|accept (all )?cookies|cookie (policy|settings|preferences)|privacy (policy|notice|settings)|terms (of|and) (use|service|conditions)|all rights reserved|do not sell my|manage consent|alle rechte vorbehalten|cookies? (akzeptieren|einstellungen))\b|©|\(c\) \d{4}|copyright \d{4}/i;
export const LEGAL_MAX_CHARS = 400;

const LEGAL_HINT = /cooki|privac|terms|reserved|©|\(c\)|copyright|consent|sell my|rechte/i;

/** A cookie, copyright or terms line (a cheap pre-check before the full regex: most blocks mention none). */
export function legal(text: string): boolean {
  return LEGAL_HINT.test(text) && LEGAL.test(text);
}

/** Whitespace-separated words, counting no further than `limit + 1` (blocks can be megabytes long). */
export function wordsUpTo(text: string, limit: number): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length && n <= limit; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/** Joins the visible-text blocks of extract.ts, paragraphs with a blank line between them. */
export function joinBlocks(blocks: Block[]): string {
  let text = '';
  for (const b of blocks) {
    if (text) text += b.paragraph ? '\n\n' : '\n';
    text += b.text;
  }
  return text;
}
