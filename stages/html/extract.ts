// HTML -> the text a reader sees, in one streaming pass of the tokenizer (no DOM, no recursion: 100,000 nested
// divs cost an array of 100,000 flags). Output is a list of blocks, each with its link-text share, for the
// boilerplate pass.
import { CHROME_ATTR, CHROME_ROLES, K_CELL, K_CHROME, K_CONTAINER, K_LINE, K_PARAGRAPH, K_SKIP, K_VOID, TAG_KIND } from './tags.js';
import { parseHtml } from './tokenizer.js';

export interface Block {
  text: string;
  /** Characters of the block's text that sit inside links. */
  linkChars: number;
  /** Starts a new paragraph (blank line before) rather than a new line. */
  paragraph: boolean;
  /** Set for blocks inside a page-level <header> or <footer>: chrome unless the region holds real prose. */
  region?: number;
}

export interface Extracted {
  blocks: Block[];
  title: string | null;
  lang: string | null;
  /** Elements dropped because their class/id/role marks them as chrome. */
  chromeElements: number;
}

// Flags pushed per open element; a plain number per element keeps the stack cheap.
const SKIP = 1;
const LINK = 2;
const CONTAINER = 4;
const PRE = 8;
const REGION = 16;

/** The attributes this pass reads; the tokenizer copies no others. */
const ATTRS = new Set(['class', 'id', 'role', 'style', 'hidden', 'aria-hidden', 'lang']);

function isChrome(attribs: Record<string, string>): boolean {
  if (attribs.hidden !== undefined || attribs['aria-hidden'] === 'true') return true;
  if (attribs.role && CHROME_ROLES.has(attribs.role.toLowerCase())) return true;
  if (attribs.style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(attribs.style)) return true;
  return CHROME_ATTR.test(attribs.class ?? '') || CHROME_ATTR.test(attribs.id ?? '');
}

export function extractHtml(html: string): Extracted {
  const blocks: Block[] = [];
  const stack: number[] = [];
  let skipDepth = 0;
  let linkDepth = 0;
  let containerDepth = 0;
  let preDepth = 0;
  let inTitle = false;
  let title = '';
  let sawTitle = false;
  let lang: string | null = null;
  let chromeElements = 0;
  let parts: string[] = [];
  let partsLen = 0;
  let linkChars = 0;
  let nextIsParagraph = true;
  let cellCount = 0;
  let region = 0; // current page-level header/footer region id, 0 outside
  let regions = 0;

  const flush = (paragraph: boolean): void => {
    if (partsLen > 0) {
      const raw = parts.length === 1 ? parts[0] : parts.join('');
      const text = preDepth > 0 ? raw.replace(/^\n+|\s+$/g, '') : raw.replace(/\s+/g, ' ').trim();
      if (text) {
        const block: Block = { text, linkChars: Math.min(linkChars, text.length), paragraph: nextIsParagraph };
        if (region) block.region = region;
        blocks.push(block);
        nextIsParagraph = false;
      }
    }
    parts = [];
    partsLen = 0;
    linkChars = 0;
    cellCount = 0;
    if (paragraph) nextIsParagraph = true;
  };

  parseHtml(
    html,
    {
      onopentag(name, attribs) {
        if (name === 'title' && !sawTitle) {
          inTitle = true;
          sawTitle = true;
        }
        // Inside a dropped subtree nothing matters but keeping the stack balanced.
        if (skipDepth > 0) {
          stack.push(0);
          return;
        }
        const kind = TAG_KIND.get(name) ?? 0;
        let flags = 0;
        if (name === 'html' && attribs.lang && lang === null) lang = attribs.lang;
        if (name !== 'html' && name !== 'body' && (kind & K_SKIP || isChrome(attribs))) {
          if (!(kind & K_SKIP)) chromeElements += 1;
          flags |= SKIP;
        }
        if (kind & K_CHROME && containerDepth === 0 && region === 0 && !(flags & SKIP)) {
          flush(true);
          region = ++regions;
          flags |= REGION;
        }
        if (kind & K_VOID) {
          if (name === 'br') flush(false);
          else if (name === 'hr') flush(true);
          stack.push(flags & ~SKIP);
          return;
        }
        if (flags & SKIP) {
          skipDepth += 1;
          stack.push(flags);
          return;
        }
        if (kind & K_PARAGRAPH) flush(true);
        else if (kind & K_LINE) flush(false);
        else if (kind & K_CELL && cellCount++ > 0) {
          parts.push(' | ');
          partsLen += 3;
        }
        if (name === 'a') {
          flags |= LINK;
          linkDepth += 1;
        }
        if (kind & K_CONTAINER) {
          flags |= CONTAINER;
          containerDepth += 1;
        }
        if (name === 'pre') {
          flags |= PRE;
          preDepth += 1;
        }
        stack.push(flags);
      },
      ontext(text) {
        if (inTitle) {
          title += text;
          return;
        }
        if (skipDepth > 0) return;
        parts.push(text);
        partsLen += text.length;
        if (linkDepth > 0) linkChars += text.replace(/\s+/g, ' ').length;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        const flags = stack.pop() ?? 0;
        if (flags & LINK) linkDepth -= 1;
        if (flags & CONTAINER) containerDepth -= 1;
        if (skipDepth === 0) {
          const kind = TAG_KIND.get(name) ?? 0;
          if (kind & K_PARAGRAPH) flush(true);
          else if (kind & K_LINE) flush(false);
        }
        if (flags & REGION) {
          flush(true);
          region = 0;
        }
        if (flags & PRE) preDepth -= 1;
        if (flags & SKIP) skipDepth -= 1;
      },
    },
    ATTRS,
  );
  flush(true);
  const cleanTitle = title.replace(/\s+/g, ' ').trim();
  return { blocks, title: cleanTitle || null, lang, chromeElements };
}
