// Text helpers shared by the extractors: the cookie/legal line test, a bounded word count, and joining blocks.
import type { Block } from './extract.js';

/** Cookie, privacy, terms and rights lines, in the languages html-eval and FineWeb-2's largest sets use most. */
const LEGAL = new RegExp(
  [
    '(?<![\\p{L}\\p{N}_])(we use cookies|this (web)?site uses cookies|accept (all )?cookies|cookie (policy|settings|preferences)|privacy (policy|notice|settings)|terms (of|and) (use|service|conditions)|all rights reserved|do not sell my|manage consent',
    'alle rechte vorbehalten|cookies? (akzeptieren|einstellungen)|wir (verwenden|nutzen) cookies|(die|diese|unsere) (webseite|website|seite) (verwendet|nutzt) cookies',
    'nous utilisons (des )?cookies|ce site (web )?utilise (des )?cookies|tous droits réservés|politique de confidentialité',
    '(utilizamos|usamos) cookies|este sitio (web )?utiliza cookies|todos los derechos reservados|política de privacidad|política de cookies',
    '(korzystamy|używamy) z? ?(plików )?cookies?|ta strona (używa|korzysta z) (plików )?cookies?|wszelkie prawa zastrzeżone|polityka prywatności',
    'utilizziamo (i )?cookie|tutti i diritti riservati|todos os direitos reservados|utilizamos cookies)(?![\\p{L}\\p{N}_])|©|\\(c\\) \\d{4}|copyright \\d{4}',
  ].join('|'),
  'iu',
);
export const LEGAL_MAX_CHARS = 400;

const LEGAL_HINT = /cooki|privac|prywat|confidential|terms|r[eé]serv|riservat|zastrze|©|\(c\)|copyright|consent|sell my|rechte/i;

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
