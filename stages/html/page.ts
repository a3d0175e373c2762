// Pass 1 of main-content extraction: one streaming pass of htmlparser2 turns a page into a flat element table
// (parent, first child, next sibling, hint; typed arrays, no recursion: 100,000 nested divs are 100,000 rows),
// the text blocks a reader sees (each owned by the element it sits in), and the page's metadata sources.
import { hintChrome, hintOf, hintRank, hintWeight, NO_HINT, ruleId, withChrome } from './hints.js';
import { K_CELL, K_LINE, K_PARAGRAPH, K_VOID, TAG_KIND } from './tags.js';
import { parseHtml } from './tokenizer.js';

/** Block kinds: what a block is, for heading rules, scoring and Markdown. */
export const B_TEXT = 0;
export const B_P = 1;
export const B_LI = 2;
export const B_ROW = 3;
export const B_PRE = 4;
export const B_QUOTE = 5;
export const B_H = 10; // B_H + level (1-6)

export interface PageBlock {
  text: string;
  /** The block as Markdown (links, headings, list items, table rows), when asked for. */
  md?: string;
  linkChars: number;
  links: number;
  /** The element the text sits in (index into the element table). */
  node: number;
  kind: number;
  /** Starts a paragraph (blank line before) rather than a line. */
  paragraph: boolean;
  /** A table row that starts its table (Markdown writes the header rule after it). */
  firstRow?: boolean;
}

export interface PageMeta {
  title: string | null;
  lang: string | null;
  /** <meta name|property|itemprop> content, first of each, for the keys metadata reads. */
  tags: Record<string, string>;
  canonical: string | null;
  /** datetime of the first <time>. */
  time: string | null;
  /** Text of each <script type="application/ld+json">, bounded. */
  jsonLd: string[];
}

export interface Page {
  n: number;
  parent: Int32Array;
  firstChild: Int32Array;
  nextSibling: Int32Array;
  /** Chrome rule id (hints.RULES[id - 1]), 0 for none. */
  chrome: Uint8Array;
  /** Main-content rank 1-5 (trafilatura's order), 0 none. */
  rank: Uint8Array;
  /** Readability class weight. */
  weight: Int8Array;
  /** 1 for <p>, <pre>, <td>, <blockquote> (Readability's scored paragraphs), 2 for a page-level header/footer. */
  tagClass: Uint8Array;
  blocks: PageBlock[];
  meta: PageMeta;
  /** tag#id.class per element, only with `labels: true` (to see why an element was judged as it was). */
  labels?: string[];
  /** Tag name and class value per element (siblings of the same kind: a text split into sections). */
  tag: string[];
  cls: (string | undefined)[];
}

/** Dropped with everything inside: never what a reader reads. */
const DROP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'frame', 'frameset', 'object', 'embed', 'canvas', 'button', 'select', 'option', 'optgroup', 'textarea', 'input', 'audio', 'video', 'map', 'head', 'applet', 'datalist', 'meter', 'progress', 'output', 'slot', 'param', 'picture', 'source', 'rt', 'rp']);
/** TAG_KIND's bits and K_DROP, in one lookup per tag. */
const K_DROP = 128;
const KIND = new Map<string, number>(TAG_KIND);
for (const t of DROP) KIND.set(t, (KIND.get(t) ?? 0) | K_DROP);
const META_KEYS = new Set(['og:title', 'og:site_name', 'og:url', 'author', 'article:author', 'article:published_time', 'og:article:published_time', 'date', 'dc.date', 'dc.date.issued', 'dcterms.date', 'pubdate', 'publish-date', 'publishdate', 'datepublished', 'sailthru.date', 'parsely-pub-date', 'dc.creator', 'twitter:title', 'application-name', 'twitter:creator', 'parsely-author', 'sailthru.author', 'citation_author', 'citation_publication_date']);
const MAX_JSON_LD = 1 << 21;
const PAGE_HEADER = ruleId('page-header');
const PAGE_FOOTER = ruleId('page-footer');
/** The attributes pass 1 reads (hints, metadata, links); the tokenizer copies no others. */
const ATTRS = new Set(['class', 'id', 'role', 'itemprop', 'style', 'hidden', 'aria-hidden', 'type', 'rel', 'href', 'lang', 'datetime', 'property', 'name', 'content']);

class Grow {
  a: Int32Array = new Int32Array(1024);
  set(i: number, v: number): void {
    if (i >= this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[i] = v;
  }
}

const WS = /\s+/g;
const NON_SPACE = /\S/;
const SOFT_HYPHEN = /\u00ad/g;
/** Whitespace other than single spaces: only then is the (allocating) collapse needed. */
const NEEDS_SQUASH = /[^\S ]| {2}/;

export function parsePage(html: string, o: { markdown?: boolean; labels?: boolean } = {}): Page {
  const markdown = o.markdown ?? false;
  const labels: string[] | undefined = o.labels ? [] : undefined;
  const parent = new Grow();
  const firstChild = new Grow();
  const nextSibling = new Grow();
  const lastChild = new Grow();
  const packed = new Grow(); // the element's packed hint | tagClass << 20
  const tagNames: string[] = [];
  const classValues: (string | undefined)[] = [];
  let n = 0;
  const blocks: PageBlock[] = [];
  const stack: number[] = []; // node per open element (-1 inside a dropped subtree or for void elements)
  const owners: number[] = [0]; // the element blocks belong to: innermost block-level or hinted element
  const ownerOf: boolean[] = []; // per open element: pushed an owner
  let dropDepth = 0;
  let linkDepth = 0;
  let preDepth = 0;
  let quoteDepth = 0;
  let containerDepth = 0;
  const parts: string[] = [];
  const mdParts: string[] = [];
  let hasText = false; // a part holds more than whitespace (most runs between block tags do not)
  let linkChars = 0;
  let links = 0;
  let cellCount = 0;
  let kind = B_TEXT;
  let nextIsParagraph = true;
  let rowInTable = 0;
  const lists: { ordered: boolean; n: number }[] = [];
  const hrefs: string[] = [];
  let inTitle = false;
  let sawTitle = false;
  let title = '';
  let lang: string | null = null;
  const tags: Record<string, string> = {};
  let canonical: string | null = null;
  let time: string | null = null;
  const jsonLd: string[] = [];
  let jsonLdBytes = 0;
  let inJsonLd = false;
  let jsonDepth = 0;
  let jsonText = '';

  const flush = (paragraph: boolean): void => {
    if (hasText) {
      const raw = parts.length === 1 ? parts[0] : parts.join('');
      const text = preDepth > 0 ? raw.replace(/^\n+|\s+$/g, '') : NEEDS_SQUASH.test(raw) ? raw.replace(WS, ' ').trim() : raw.trim();
      if (text) {
        const k = preDepth > 0 ? B_PRE : quoteDepth > 0 && kind === B_TEXT ? B_QUOTE : kind;
        const b: PageBlock = { text, linkChars: Math.min(linkChars, text.length), links, node: owners[owners.length - 1], kind: k, paragraph: nextIsParagraph };
        if (k === B_ROW && rowInTable === 1) b.firstRow = true;
        if (markdown) b.md = toMarkdown(preDepth > 0 ? text : (mdParts.length === 1 ? mdParts[0] : mdParts.join('')).replace(WS, ' ').trim(), b, lists, quoteDepth);
        blocks.push(b);
        nextIsParagraph = false;
      }
    }
    if (parts.length) parts.length = 0; // reused: most flushes come between blocks with nothing to keep
    if (mdParts.length) mdParts.length = 0;
    hasText = false;
    linkChars = 0;
    links = 0;
    cellCount = 0;
    kind = B_TEXT;
    if (paragraph) nextIsParagraph = true;
  };
  const push = (s: string, md = s): void => {
    if (!hasText) hasText = NON_SPACE.test(s);
    parts.push(s);
    if (markdown) mdParts.push(md);
  };

  parseHtml(
    html,
    {
      onopentag(name, a) {
        if (name === 'title' && !sawTitle) {
          inTitle = true;
          sawTitle = true;
        }
        const k = KIND.get(name) ?? 0;
        if (dropDepth > 0 || k & K_DROP) {
          if (name === 'script' && !inJsonLd && a.type?.toLowerCase() === 'application/ld+json') {
            inJsonLd = true;
            jsonDepth = dropDepth + 1;
          }
          if (name === 'meta') readMeta(a);
          if (name === 'link' && a.rel?.toLowerCase() === 'canonical' && a.href && canonical === null) canonical = a.href;
          dropDepth++;
          stack.push(-1);
          ownerOf.push(false);
          return;
        }
        if (k & K_VOID) {
          if (name === 'br') flush(false);
          else if (name === 'hr') flush(true);
          else if (name === 'meta') readMeta(a);
          else if (name === 'link' && a.rel?.toLowerCase() === 'canonical' && a.href && canonical === null) canonical = a.href;
          stack.push(-2); // htmlparser2 closes void elements too
          ownerOf.push(false);
          return;
        }
        if (name === 'html' && a.lang && lang === null) lang = a.lang;
        if (name === 'time' && time === null && a.datetime) time = a.datetime;
        let h = name === 'html' || name === 'body' ? NO_HINT : hintOf(name, a);
        // A page-level <header> or <footer> is chrome; inside an article, section or main it holds the headline or notes.
        if (!hintChrome(h) && containerDepth === 0 && (name === 'header' || name === 'footer')) h = withChrome(h, name === 'header' ? PAGE_HEADER : PAGE_FOOTER);
        const block = (k & (K_PARAGRAPH | K_LINE)) !== 0 || hintChrome(h) !== 0 || hintRank(h) !== 0;
        if (block) {
          if (k & K_LINE || !(k & K_PARAGRAPH)) flush(false);
          else flush(true);
        } else if (k & K_CELL && cellCount++ > 0) push(' | ', ' | ');
        const i = n++;
        const p = stack.length ? findOpen(stack) : -1;
        parent.set(i, p);
        firstChild.set(i, -1);
        nextSibling.set(i, -1);
        lastChild.set(i, -1);
        if (p >= 0) {
          if (lastChild.a[p] < 0) firstChild.set(p, i);
          else nextSibling.set(lastChild.a[p], i);
          lastChild.set(p, i);
        }
        const tagClass = name === 'p' || name === 'pre' || name === 'td' || name === 'blockquote' ? 1 : name === 'header' || name === 'footer' ? 2 : 0;
        if (labels) labels[i] = `${name}${a.id ? `#${a.id}` : ''}${a.class ? `.${a.class.trim().split(/\s+/).join('.')}` : ''}${a.role ? `[role=${a.role}]` : ''}`;
        packed.set(i, h | (tagClass << 20));
        tagNames.push(name);
        classValues.push(a.class);
        stack.push(i);
        ownerOf.push(block);
        if (block) owners.push(i);
        if (name.length === 2 && name[0] === 'h' && name[1] >= '1' && name[1] <= '6') kind = B_H + Number(name[1]);
        else if (name === 'li' || name === 'dt' || name === 'dd') kind = B_LI;
        else if (name === 'tr') {
          kind = B_ROW;
          rowInTable++;
        } else if (name === 'p') kind = B_P;
        if (name === 'table') rowInTable = 0;
        if (name === 'ul' || name === 'ol') lists.push({ ordered: name === 'ol', n: 0 });
        if (name === 'li' && lists.length) lists[lists.length - 1].n++;
        if (name === 'a') {
          linkDepth++;
          links++;
          if (markdown) {
            hrefs.push(a.href ?? '');
            mdParts.push('[');
          }
        }
        if (name === 'pre') preDepth++;
        if (name === 'blockquote') quoteDepth++;
        if (name === 'article' || name === 'section' || name === 'main') containerDepth++;
      },
      ontext(text) {
        if (inTitle) {
          title += text;
          return;
        }
        if (inJsonLd) {
          if (jsonLdBytes + jsonText.length < MAX_JSON_LD) jsonText += text;
          return;
        }
        if (dropDepth > 0) return;
        if (text.includes('\u00ad')) text = text.replace(SOFT_HYPHEN, '');
        push(text, markdown ? text.replace(/[[\]*_`]/g, '\\$&') : text);
        if (linkDepth > 0) linkChars += squashedLength(text);
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        const i = stack.pop();
        const owned = ownerOf.pop() ?? false;
        if (i === undefined || i === -2) return;
        if (i < 0) {
          if (name === 'script' && inJsonLd && dropDepth === jsonDepth) {
            inJsonLd = false;
            if (jsonText.trim()) {
              jsonLd.push(jsonText);
              jsonLdBytes += jsonText.length;
            }
            jsonText = '';
          }
          dropDepth--;
          return;
        }
        const k = TAG_KIND.get(name) ?? 0;
        if (name === 'a') {
          linkDepth--;
          if (markdown) {
            const href = hrefs.pop() ?? '';
            mdParts.push(href && !href.startsWith('javascript:') && !href.startsWith('#') ? `](${href.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)})` : ']');
          }
        }
        if (owned) {
          flush(!(k & K_LINE) && (k & K_PARAGRAPH) !== 0);
          owners.pop();
        } else if (k & K_PARAGRAPH) flush(true);
        else if (k & K_LINE) flush(false);
        if (name === 'pre') preDepth--;
        if (name === 'blockquote') quoteDepth--;
        if (name === 'article' || name === 'section' || name === 'main') containerDepth--;
        if (name === 'ul' || name === 'ol') lists.pop();
      },
    },
    ATTRS,
  );

  function readMeta(a: Record<string, string>): void {
    const key = (a.property ?? a.name ?? a.itemprop ?? '').toLowerCase();
    const value = a.content ?? a.datetime;
    if (key && value && META_KEYS.has(key) && !(key in tags)) tags[key] = value.trim();
  }

  flush(true);
  const chrome = new Uint8Array(n);
  const rank = new Uint8Array(n);
  const weight = new Int8Array(n);
  const tagClass = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = packed.a[i];
    chrome[i] = hintChrome(v);
    rank[i] = hintRank(v);
    weight[i] = hintWeight(v);
    tagClass[i] = (v >> 20) & 0xf;
  }
  const cleanTitle = title.replace(WS, ' ').trim();
  return {
    n,
    parent: parent.a.subarray(0, n),
    firstChild: firstChild.a.subarray(0, n),
    nextSibling: nextSibling.a.subarray(0, n),
    chrome,
    rank,
    weight,
    tagClass,
    blocks,
    meta: { title: cleanTitle || null, lang, tags, canonical, time, jsonLd },
    tag: tagNames,
    cls: classValues,
    ...(labels ? { labels } : {}),
  };
}

/** The length of `s` with each run of whitespace (as the regex \s reads it) counted once, without making it. */
function squashedLength(s: string): number {
  let n = 0;
  let inSpace = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ws = c === 32 || (c >= 9 && c <= 13) || (c >= 0xa0 && (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));
    if (!ws || !inSpace) n++;
    inSpace = ws;
  }
  return n;
}

/** The innermost open element (void elements push -2). */
function findOpen(stack: number[]): number {
  for (let j = stack.length - 1; j >= 0; j--) if (stack[j] >= 0) return stack[j];
  return -1;
}

function toMarkdown(md: string, b: PageBlock, lists: { ordered: boolean; n: number }[], quoteDepth: number): string {
  let out = md;
  if (b.kind > B_H) out = `${'#'.repeat(b.kind - B_H)} ${md}`;
  else if (b.kind === B_LI) {
    const l = lists[lists.length - 1];
    out = `${'  '.repeat(Math.max(0, lists.length - 1))}${l?.ordered ? `${l.n}.` : '-'} ${md}`;
  } else if (b.kind === B_ROW) {
    out = `| ${md} |`;
    if (b.firstRow) out += `\n|${md.split(' | ').map(() => ' --- |').join('')}`;
  } else if (b.kind === B_PRE) out = `\`\`\`\n${md}\n\`\`\``;
  return quoteDepth > 0 && b.kind !== B_PRE ? `> ${out}` : out;
}
