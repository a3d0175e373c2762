// Pass 2 of main-content extraction, over the element table of pass 1 (loops over arrays, parents before
// children, no recursion): chrome elements go unless they hold much of the page's text; the main container is
// chosen by trafilatura's candidate order, checked against Readability-style paragraph scores; inside it
// link-dense blocks, menus, legal lines and headings left without a section are dropped. Every dropped block is
// counted under its rule.
import { legal, LEGAL_MAX_CHARS, wordsUpTo } from './boilerplate.js';
import { RULES } from './hints.js';
import { lineRule } from './lines.js';
import { B_H, B_P, B_PRE, B_ROW, B_TEXT, type Page, type PageBlock } from './page.js';

export type Favor = 'precision' | 'balanced' | 'recall';

export interface MainOptions {
  favor: Favor;
  /** A block whose link text is more than this share of its text is navigation (if it is short). */
  maxLinkDensity: number;
  /** Link density only judges blocks with fewer words than this. */
  linkDensityMaxWords: number;
  /** At least this many consecutive 1-3 word blocks, with links in most of them, are a menu. */
  menuRunBlocks: number;
  /** The whole page without its chrome, not one container (the fallback when the container is too small). */
  wholePage?: boolean;
}

interface Tuning {
  /** A chrome element holding more than this share of the page's text is not chrome (a mislabelled wrapper). */
  guard: number;
  /** The smallest main container (characters) before a wider choice is tried. */
  minContainer: number;
  /** Readability's choice replaces the candidate-order choice when it holds this many times more text. */
  preferScored: number;
  /** Multiplies the link-density limit (below 1: stricter). */
  linkDensity: number;
  /** Date lines, credits, bylines and reading times go (lines.ts). */
  lineRules: boolean;
  /** Short unpunctuated lines at the start and end of the main text go (labels, dates, "Share"). */
  trimEdges: boolean;
  /** Headings left without text go. */
  headings: boolean;
}

const TUNING: Record<Favor, Tuning> = {
  precision: { guard: 0.3, minContainer: 500, preferScored: 2, linkDensity: 0.7, lineRules: true, trimEdges: true, headings: true },
  balanced: { guard: 0.3, minContainer: 500, preferScored: 2, linkDensity: 1, lineRules: true, trimEdges: true, headings: true },
  recall: { guard: 0.15, minContainer: 500, preferScored: 1.5, linkDensity: 1.4, lineRules: false, trimEdges: false, headings: false },
};

/** Ranks whose elements are unioned when a page has several (class-named ones: not <article> or <main>). */
const UNION_RANKS = new Set([3, 4]);
const UNION_MIN = 150;
/** Readability's candidate list: the best few, and how near the best a candidate must score to widen the choice. */
const TOP_CANDIDATES = 5;
/** Sibling sections: how far up from the container, how much prose each must hold, and how few links. */
const SECTION_LEVELS = 2;
const SECTION_MIN = 200;
const SECTION_LINKS = 0.2;
/** The best-ranked candidate (rank up to this, link share under WRAP_LINKS) keeps its wrappers from being chrome. */
const WRAP_RANK = 1;
const WRAP_LINKS = 0.3;
/** A ranked container passed over for Readability's larger choice is kept beside it below this link share. */
const BOTH_LINKS = 0.1;
const NEAR_BEST = 0.75;
/** How far, and while adding how little, the chosen container widens to its parents. */
const GROW_LEVELS = 3;
const GROW_SHARE = 0.3;
const GROW_LINKS = 0.2;
/** Edge lines shorter than this (and unpunctuated) are trimmed in precision mode. */
const EDGE_CHARS = 50;
/** A page-level <header> or <footer> with this much text outside links holds prose, not chrome. */
const REGION_PROSE = 200;
/** "Teaser" is a lead paragraph in many CMSs and a list of other stories in others: only the linked kind goes. */
const TEASER = RULES.indexOf('teaser') + 1;
const TEASER_LINKS = 0.3;
/** A caption this long describes (a gallery's text); short ones are credits and labels. */
const CAPTION = RULES.indexOf('caption') + 1;
const CAPTION_PROSE = 150;

export interface MainResult {
  blocks: PageBlock[];
  removed: Record<string, number>;
  /** Per block of the page: the rule that dropped it, or null (kept); the "related" section rule reads it. */
  why: (string | null)[];
}

/** Lines that are only a share or print button's label (trafilatura's text filter). */
const BUTTON_LINE = /^\W*(drucken|e-?mail|facebook|flipboard|google|instagram|linkedin|mail|pdf|pinterest|pocket|print|qq|reddit|twitter|wechat|weibo|whatsapp|xing|telegram|teilen|share|tweet|mehr zum thema:?|more on this.{0,8})\W*$/i;

/** Commas (Latin, fullwidth, ideographic, Arabic) in the first 5,000 characters, as Readability counts them. */
function commas(text: string): number {
  let c = 0;
  for (const comma of COMMAS) for (let i = text.indexOf(comma); i >= 0 && i < 5000; i = text.indexOf(comma, i + 1)) c++;
  return c;
}
const COMMAS = [',', '\uff0c', '\u3001', '\u060c'];

function menuLike(b: PageBlock): boolean {
  if (b.text.length > 200 || b.kind > B_H || wordsUpTo(b.text, 3) > 3) return false;
  const last = b.text.charCodeAt(b.text.length - 1);
  return last !== 46 && last !== 33 && last !== 63 && last !== 58 && last !== 59;
}

export function mainContent(page: Page, o: MainOptions): MainResult {
  const t = TUNING[o.favor];
  const { n, parent, blocks } = page;
  const removed: Record<string, number> = {};
  const why: (string | null)[] = blocks.map(() => null);
  let at = 0;
  const count = (rule: string): void => {
    removed[rule] = (removed[rule] ?? 0) + 1;
    why[at] = rule;
  };

  // Text per element: its own blocks, then summed into parents (a parent's index is always smaller).
  const chars = new Float64Array(n);
  const linkChars = new Float64Array(n);
  let total = 0;
  for (const b of blocks) {
    total += b.text.length;
    if (b.node >= 0) {
      chars[b.node] += b.text.length;
      linkChars[b.node] += b.linkChars;
    }
  }
  for (let i = n - 1; i > 0; i--) {
    const p = parent[i];
    if (p >= 0) {
      chars[p] += chars[i];
      linkChars[p] += linkChars[i];
    }
  }

  // Chrome: the element (and all inside it) goes, unless it holds more than `guard` of the page's text.
  // A main-content candidate is not chrome whatever else its class says ("hentry author-jane", "article print-active").
  const holds = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (page.rank[i]) holds[i] = 1;
  // Nor is a wrapper of the page's largest prose candidate of the best rank ("date-posts" around a blog post).
  let wrapped = -1;
  for (let r = 1; r <= WRAP_RANK && wrapped < 0; r++) {
    for (let i = 0; i < n; i++) if (page.rank[i] === r && chars[i] >= t.minContainer && linkChars[i] < WRAP_LINKS * chars[i] && (wrapped < 0 || chars[i] > chars[wrapped])) wrapped = i;
  }
  for (let i = wrapped; i >= 0; i = parent[i]) holds[i] = 1;
  const cut = new Int32Array(n).fill(-1); // the element whose chrome rule removes this one, or -1
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    if (p >= 0 && cut[p] >= 0) cut[i] = cut[p];
    else if (page.chrome[i] && chars[i] <= t.guard * total && !holds[i] && !(page.tagClass[i] === 2 && chars[i] - linkChars[i] >= REGION_PROSE) && !(page.chrome[i] === TEASER && linkChars[i] < TEASER_LINKS * chars[i]) && !(page.chrome[i] === CAPTION && chars[i] >= CAPTION_PROSE)) cut[i] = i;
  }
  const keptChars = new Float64Array(n);
  for (const b of blocks) if (b.node >= 0 && cut[b.node] < 0) keptChars[b.node] += b.text.length;
  for (let i = n - 1; i > 0; i--) if (parent[i] >= 0) keptChars[parent[i]] += keptChars[i];

  // Candidate order (trafilatura's BODY_XPATH): the first element of the best rank with enough text.
  // A document of several <article>s side by side (chapters, a declaration's articles) is their parent.
  const proseArticles = (p: number): boolean => {
    let k = 0;
    for (let x = page.firstChild[p]; x >= 0 && k < 3; x = page.nextSibling[x]) if (page.rank[x] === 2 && cut[x] < 0 && keptChars[x] >= 100 && linkChars[x] < 0.2 * chars[x]) k++;
    return k >= 3;
  };
  let ranked = -1;
  let articles = false;
  for (let r = 1; r <= 5 && ranked < 0; r++) {
    for (let i = 0; i < n; i++) {
      if (page.rank[i] !== r || cut[i] >= 0) continue;
      if (r === 2 && parent[i] >= 0 && keptChars[parent[i]] >= t.minContainer && proseArticles(parent[i])) {
        ranked = parent[i];
        articles = true;
        break;
      }
      if (keptChars[i] >= t.minContainer) {
        ranked = i;
        break;
      }
    }
  }

  // Readability: paragraphs score their parent (fully) and grandparent (half); link-dense elements score less.
  const score = new Float64Array(n);
  const scored = new Uint8Array(n);
  const touch = (i: number): void => {
    if (!scored[i]) {
      scored[i] = 1;
      score[i] = page.weight[i];
    }
  };
  for (const b of blocks) {
    if (b.node < 0 || cut[b.node] >= 0 || b.text.length < 25 || b.kind > B_H) continue;
    if (!(page.tagClass[b.node] === 1 || b.kind === B_P || b.kind === B_TEXT || b.kind === B_PRE)) continue;
    const s = 1 + commas(b.text) + Math.min(Math.floor(b.text.length / 100), 3);
    const p = page.tagClass[b.node] === 1 || b.kind === B_P ? parent[b.node] : b.node;
    if (p < 0) continue;
    touch(p);
    score[p] += s;
    const g = parent[p];
    if (g >= 0) {
      touch(g);
      score[g] += s / 2;
    }
  }
  const top: number[] = []; // the best TOP_CANDIDATES, best first
  for (let i = 0; i < n; i++) {
    if (!scored[i] || cut[i] >= 0) continue;
    const ld = chars[i] ? linkChars[i] / chars[i] : 0;
    score[i] *= 1 - ld;
    if (top.length < TOP_CANDIDATES || score[i] > score[top[top.length - 1]]) {
      let j = Math.min(top.length, TOP_CANDIDATES - 1);
      top[j] = i;
      for (; j > 0 && score[top[j]] > score[top[j - 1]]; j--) [top[j], top[j - 1]] = [top[j - 1], top[j]];
    }
  }
  const best = top.length ? readabilityTop(page, top, score, scored) : -1;

  // The container: the ranked element, or Readability's (with its good siblings) when that holds far more text.
  const inMain = new Uint8Array(n);
  let root = false;
  const scoredWins = ranked >= 0 && best >= 0 && keptChars[best] > t.preferScored * keptChars[ranked] && !contains(parent, best, ranked);
  if (o.wholePage) root = true;
  else if (ranked >= 0 && (articles || !scoredWins)) {
    // Widen to the enclosing element while what it adds is a little more prose (a lead, a subtitle), not links.
    let c = ranked;
    for (let up = 0; up < GROW_LEVELS; up++) {
      const p = parent[c];
      if (p < 0 || parent[p] < 0 || cut[p] >= 0) break;
      const extra = keptChars[p] - keptChars[c];
      if (extra > GROW_SHARE * keptChars[c] || linkChars[p] - linkChars[c] > GROW_LINKS * Math.max(1, chars[p] - chars[c])) break;
      c = p;
    }
    ranked = c;
    inMain[c] = 1;
  } else if (best >= 0 && keptChars[best] >= 250) {
    inMain[best] = 1;
    // The ranked container still holds prose of its own (the article's first part, before a widget splits it).
    if (ranked >= 0 && linkChars[ranked] < BOTH_LINKS * chars[ranked]) inMain[ranked] = 1;
    const p = parent[best];
    if (p >= 0) {
      const threshold = Math.max(10, score[best] * 0.2);
      for (let s = page.firstChild[p]; s >= 0; s = page.nextSibling[s]) {
        if (s === best || cut[s] >= 0) continue;
        const ld = chars[s] ? linkChars[s] / chars[s] : 0;
        if ((scored[s] && score[s] >= threshold) || (page.tagClass[s] === 1 && keptChars[s] > 80 && ld < 0.25)) inMain[s] = 1;
      }
    }
  } else root = true;
  // A text split into sections of one kind (one div.topic per heading): siblings of the container, or of one of its
  // nearest ancestors, with the same tag and class join it when they hold prose.
  if (!root) {
    const chosen: number[] = [];
    for (let i = 0; i < n; i++) if (inMain[i]) chosen.push(i);
    for (const c of chosen) {
      for (let a = c, up = 0; up <= SECTION_LEVELS && a >= 0 && parent[a] >= 0; a = parent[a], up++) {
        const cls = page.cls[a];
        if (!cls) continue;
        for (let x = page.firstChild[parent[a]]; x >= 0; x = page.nextSibling[x]) {
          if (x !== a && !inMain[x] && cut[x] < 0 && page.cls[x] === cls && page.tag[x] === page.tag[a] && keptChars[x] >= SECTION_MIN && linkChars[x] < SECTION_LINKS * chars[x]) inMain[x] = 1;
        }
      }
    }
  }
  // Pages made of several sections of the chosen rank (product pages, one div.text per card): all of them.
  const union = ranked >= 0 && inMain[ranked] && UNION_RANKS.has(page.rank[ranked]);
  for (let i = 0; i < n; i++) {
    if (inMain[i]) continue;
    const p = parent[i];
    if (p >= 0 && inMain[p]) inMain[i] = 1;
    else if (union && page.rank[i] === page.rank[ranked] && cut[i] < 0 && keptChars[i] >= UNION_MIN && linkChars[i] < 0.3 * chars[i]) inMain[i] = 1;
  }

  // Blocks: chrome and outside-the-container first, then block rules inside.
  const keep = blocks.map((b, i) => {
    at = i;
    if (b.node >= 0 && cut[b.node] >= 0) {
      count(RULES[page.chrome[cut[b.node]] - 1]);
      return false;
    }
    if (!root && (b.node < 0 || !inMain[b.node])) {
      count('outside-main');
      return false;
    }
    return true;
  });
  const drop = (i: number, rule: string): void => {
    if (keep[i]) {
      keep[i] = false;
      at = i;
      count(rule);
    }
  };
  // Menus: runs of tiny fragments, mostly linked.
  for (let i = 0; i < blocks.length; ) {
    if (!keep[i] || !menuLike(blocks[i])) {
      i++;
      continue;
    }
    let j = i;
    const run: number[] = [];
    while (j < blocks.length && (!keep[j] || menuLike(blocks[j]))) {
      if (keep[j]) run.push(j);
      j++;
    }
    if (run.length >= o.menuRunBlocks && run.filter((k) => blocks[k].linkChars > 0).length * 2 > run.length) for (const k of run) drop(k, 'menu');
    i = j;
  }
  blocks.forEach((b, i) => {
    if (!keep[i]) return;
    if (b.linkChars > 0 && b.linkChars / b.text.length > o.maxLinkDensity * t.linkDensity && wordsUpTo(b.text, o.linkDensityMaxWords) < o.linkDensityMaxWords) drop(i, 'link-density');
    else if (b.text.length <= LEGAL_MAX_CHARS && legal(b.text)) drop(i, 'cookie-legal');
    else if (b.text.length <= 60 && BUTTON_LINE.test(b.text)) drop(i, 'share');
    else if (t.lineRules) {
      const line = lineRule(b.text);
      if (line) drop(i, line);
    }
  });
  // What follows a "related"/"read more" line up to the next heading: linked or short lines are those stories.
  for (let i = 0; i < blocks.length; i++) {
    if (why[i] !== 'related' || keep[i]) continue;
    for (let j = i + 1; j < blocks.length; j++) {
      const b = blocks[j];
      if (b.kind > B_H) break;
      if (!keep[j]) continue;
      if (b.linkChars > 0.3 * b.text.length || b.text.length < 100) drop(j, 'related');
      else break;
    }
  }
  // Short unpunctuated lines before the first and after the last line of prose (never all of a page's text).
  const prose = (b: PageBlock): boolean => b.kind > B_H || b.kind === B_ROW || b.text.length >= EDGE_CHARS || /[.!?。！？:;]$/.test(b.text);
  if (t.trimEdges && blocks.some((b, i) => keep[i] && prose(b))) {
    const edge = (i: number): boolean => {
      if (!keep[i]) return true;
      if (prose(blocks[i])) return false;
      drop(i, 'edge-line');
      return true;
    };
    for (let i = 0; i < blocks.length && edge(i); i++);
    for (let i = blocks.length - 1; i >= 0 && edge(i); i--);
  }
  // Headings: a heading with no kept text before the next heading of its level or above (or the end) goes.
  const has = [false, false, false, false, false, false, false];
  for (let i = blocks.length - 1; i >= 0 && t.headings; i--) {
    if (!keep[i]) continue;
    const level = blocks[i].kind > B_H ? blocks[i].kind - B_H : 0;
    if (level === 0) {
      has.fill(true);
      continue;
    }
    const kept = has[level];
    if (!kept) drop(i, 'heading-without-text');
    for (let l = 1; l <= 6; l++) has[l] = l >= level ? false : has[l] || kept;
  }
  return { blocks: blocks.filter((_, i) => keep[i]), removed, why };
}

/** Readability's top candidate, widened: to the lowest ancestor of 3 near-best candidates (content split into
 * sections), to a parent whose score rises, and past wrappers with one child (so siblings can join). */
function readabilityTop(page: Page, top: number[], score: Float64Array, scored: Uint8Array): number {
  const { parent, firstChild, nextSibling } = page;
  let best = top[0];
  const near = top.slice(1).filter((c) => score[c] >= NEAR_BEST * score[best]);
  if (near.length >= 3) {
    for (let a = parent[best]; a >= 0 && parent[a] >= 0; a = parent[a]) {
      if (near.filter((c) => contains(parent, a, c)).length >= 3) {
        best = a;
        break;
      }
    }
  }
  const floor = score[best] / 3;
  let last = score[best];
  for (let a = parent[best]; a >= 0 && parent[a] >= 0; a = parent[a]) {
    if (!scored[a]) continue;
    if (score[a] < floor) break;
    if (score[a] > last) {
      best = a;
      break;
    }
    last = score[a];
  }
  for (let a = parent[best]; a >= 0 && parent[a] >= 0 && firstChild[a] === best && nextSibling[best] < 0; a = parent[a]) best = a;
  return best;
}

/** Whether `a` is `b` or one of its ancestors. */
function contains(parent: Int32Array, a: number, b: number): boolean {
  for (let i = b; i >= 0; i = parent[i]) if (i === a) return true;
  return false;
}
