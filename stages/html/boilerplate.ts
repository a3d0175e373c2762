// Boilerplate removal beyond tags: link-dominated blocks, cookie/legal banners, and runs of menu-like
// fragments. Each removed block is counted under the rule that removed it.
import type { Block } from './extract.js';

export interface BoilerplateOptions {
  /** A block whose link text is more than this share of its text is navigation (if it is short). */
  maxLinkDensity: number;
  /** Link density only judges blocks with fewer words than this: long prose with many links stays. */
  linkDensityMaxWords: number;
  /** At least this many consecutive 1-3 word blocks, with links in most of them, are a menu. */
  menuRunBlocks: number;
  /** A page-level <header>/<footer> is kept only if it holds at least this many characters outside links. */
  regionProseChars: number;
}

const LEGAL =
  /\b(we use cookies|this (web)?site uses cookies|accept (all )?cookies|cookie (policy|settings|preferences)|privacy (policy|notice|settings)|terms (of|and) (use|service|conditions)|all rights reserved|do not sell my|manage consent)\b|©|\(c\) \d{4}|copyright \d{4}/i;
const LEGAL_MAX_CHARS = 400;

const LEGAL_HINT = /cooki|privac|terms|reserved|©|\(c\)|copyright|consent|sell my/i;

/** A cheap pre-check before the full legal regex (most blocks mention none of these). */
function legal(text: string): boolean {
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

function menuLike(b: Block): boolean {
  if (b.text.length > 200 || wordsUpTo(b.text, 3) > 3) return false;
  const last = b.text.charCodeAt(b.text.length - 1);
  return last !== 46 && last !== 33 && last !== 63 && last !== 58 && last !== 59; // . ! ? : ;
}

function linked(run: Block[]): boolean {
  return run.filter((b) => b.linkChars > 0).length * 2 > run.length;
}

export interface Cleaned {
  text: string;
  removed: Record<string, number>;
}

export function removeBoilerplate(blocks: Block[], o: BoilerplateOptions): Cleaned {
  const removed: Record<string, number> = {};
  const keep = blocks.map(() => true);
  const drop = (i: number, rule: string): void => {
    if (keep[i]) {
      keep[i] = false;
      removed[rule] = (removed[rule] ?? 0) + 1;
    }
  };
  // Page-level header/footer regions: chrome (logo, links, copyright) unless they hold prose.
  const prose = new Map<number, number>();
  for (const b of blocks) if (b.region) prose.set(b.region, (prose.get(b.region) ?? 0) + b.text.length - b.linkChars);
  blocks.forEach((b, i) => {
    if (b.region && (prose.get(b.region) ?? 0) < o.regionProseChars) drop(i, 'header-footer');
  });
  // Menus: runs of tiny fragments, mostly linked (a current-page item is often not a link).
  for (let i = 0; i < blocks.length; ) {
    let j = i;
    while (j < blocks.length && menuLike(blocks[j])) j++;
    if (j - i >= o.menuRunBlocks && linked(blocks.slice(i, j))) for (let k = i; k < j; k++) drop(k, 'menu');
    i = Math.max(j, i + 1);
  }
  blocks.forEach((b, i) => {
    if (!keep[i]) return;
    if (b.linkChars > 0 && b.linkChars / b.text.length > o.maxLinkDensity && wordsUpTo(b.text, o.linkDensityMaxWords) < o.linkDensityMaxWords) drop(i, 'link-density');
    else if (b.text.length <= LEGAL_MAX_CHARS && legal(b.text)) drop(i, 'cookie-legal');
  });
  return { text: joinBlocks(blocks.filter((_b, i) => keep[i])), removed };
}

/** Joins blocks without removing anything (boilerplate removal off). */
export function joinBlocks(blocks: Block[]): string {
  let text = '';
  for (const b of blocks) {
    if (text) text += b.paragraph ? '\n\n' : '\n';
    text += b.text;
  }
  return text;
}
