// HTML -> the text a reader sees, in one streaming pass of htmlparser2 (no DOM, no recursion: 100,000 nested
// divs cost an array of 100,000 flags). Output is a list of blocks, each with its link-text share, for the
// boilerplate pass.
import { Parser } from 'htmlparser2';
import { CELL_TAGS, CHROME_ATTR, CHROME_ROLES, CHROME_TAGS, CONTAINER_TAGS, LINE_TAGS, PARAGRAPH_TAGS, SKIP_TAGS, VOID_TAGS } from './tags.js';

export interface Block {
  text: string;
  /** Characters of the block's text that sit inside links. */
  linkChars: number;
  /** Starts a new paragraph (blank line before) rather than a new line. */
  paragraph: boolean;
  /** Whitespace-separated words in `text`. */
  words: number;
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

/** Words in whitespace-collapsed text: spaces + 1 (counting char codes allocates nothing). */
function countWords(text: string): number {
  if (!text) return 0;
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) n++;
  return n;
}

function isChrome(attribs: Record<string, string>): boolean {
  if ('hidden' in attribs || attribs['aria-hidden'] === 'true') return true;
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
      let text: string;
      let words: number;
      if (preDepth > 0) {
        text = raw.replace(/^\n+|\s+$/g, '');
        words = countWords(text.replace(/\s+/g, ' '));
      } else {
        text = raw.replace(/\s+/g, ' ').trim();
        words = countWords(text);
      }
      if (text) {
        const block: Block = { text, words, linkChars: Math.min(linkChars, text.length), paragraph: nextIsParagraph };
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

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        let flags = 0;
        if (name === 'html' && attribs.lang && lang === null) lang = attribs.lang;
        if (name === 'title' && !sawTitle) {
          inTitle = true;
          sawTitle = true;
        }
        if (skipDepth === 0 && name !== 'html' && name !== 'body' && (SKIP_TAGS.has(name) || isChrome(attribs))) {
          if (!SKIP_TAGS.has(name)) chromeElements += 1;
          flags |= SKIP;
        }
        if (CHROME_TAGS.has(name) && containerDepth === 0 && region === 0 && !(flags & SKIP)) {
          flush(true);
          region = ++regions;
          flags |= REGION;
        }
        if (VOID_TAGS.has(name)) {
          if (skipDepth === 0 && name === 'br') flush(false);
          else if (skipDepth === 0 && name === 'hr') flush(true);
          stack.push(flags & ~SKIP);
          return;
        }
        if (flags & SKIP) skipDepth += 1;
        if (skipDepth === 0) {
          if (PARAGRAPH_TAGS.has(name)) flush(true);
          else if (LINE_TAGS.has(name)) flush(false);
          else if (CELL_TAGS.has(name) && cellCount++ > 0) {
            parts.push(' | ');
            partsLen += 3;
          }
        }
        if (name === 'a') {
          flags |= LINK;
          linkDepth += 1;
        }
        if (CONTAINER_TAGS.has(name)) {
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
          if (PARAGRAPH_TAGS.has(name)) flush(true);
          else if (LINE_TAGS.has(name)) flush(false);
        }
        if (flags & REGION) {
          flush(true);
          region = 0;
        }
        if (flags & PRE) preDepth -= 1;
        if (flags & SKIP) skipDepth -= 1;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  flush(true);
  const cleanTitle = title.replace(/\s+/g, ' ').trim();
  return { blocks, title: cleanTitle || null, lang, chromeElements };
}
