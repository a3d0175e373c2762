// Main-content extraction, end to end: parse (pass 1), choose and clean the main content (pass 2), fall back
// when the choice is too small for the page (the whole page without its chrome under the recall rules, then the
// JSON-LD article body), and write text or Markdown with the page's metadata.
import { jsonLdBody, metadata, type HtmlMetadata } from './metadata.js';
import { mainContent, type Favor, type MainOptions } from './mainContent.js';
import { B_H, parsePage, type PageBlock } from './page.js';

export interface ExtractOptions extends MainOptions {
  format: 'text' | 'markdown';
}

export interface MainExtraction {
  text: string;
  meta: HtmlMetadata;
  /** Blocks dropped, by rule. */
  removed: Record<string, number>;
}

/** Below this many characters an extraction is too small to trust (trafilatura's MIN_EXTRACTED_SIZE). */
const MIN_TEXT = 250;
/**
 * An extraction under this share of the page's text is retried on the whole page (chrome still dropped, the
 * recall rules), which is kept when it is longer: the content was outside the chosen container. Tuned on
 * html-eval's tune half (0.03-0.3 tried; 0.1 best for balanced).
 */
const FALLBACK_SHARE: Record<Favor, number> = { precision: 0, balanced: 0.1, recall: 0.2 };

export function joinPageBlocks(blocks: PageBlock[], markdown: boolean): string {
  let text = '';
  for (const b of blocks) {
    if (text) text += b.paragraph || (markdown && b.kind > B_H) ? '\n\n' : '\n';
    text += markdown ? (b.md ?? b.text) : b.text;
  }
  return text;
}

export function extractMain(html: string, o: ExtractOptions): MainExtraction {
  const markdown = o.format === 'markdown';
  const page = parsePage(html, { markdown });
  const firstH1 = page.blocks.find((b) => b.kind === B_H + 1)?.text ?? null;
  const meta = metadata(page.meta, firstH1);
  const main = mainContent(page, o);
  // NFC as trafilatura writes it: decomposed accents from some CMSs read as the same text.
  let text = joinPageBlocks(main.blocks, markdown).normalize('NFC');
  let removed = main.removed;
  const pageChars = page.blocks.reduce((a, b) => a + b.text.length, 0);
  if (text.length < MIN_TEXT || text.length < FALLBACK_SHARE[o.favor] * pageChars) {
    const wide = mainContent(page, { ...o, favor: 'recall', wholePage: true });
    const wideText = joinPageBlocks(wide.blocks, markdown).normalize('NFC');
    if (wideText.length > text.length) {
      text = wideText;
      removed = { ...wide.removed, 'fallback.whole-page': 1 };
    }
  }
  if (text.length < MIN_TEXT) {
    const body = jsonLdBody(page.meta);
    if (body && body.length > text.length) {
      text = body.replace(/[ \t]+/g, ' ').trim();
      removed['fallback.json-ld'] = 1;
    }
  }
  return { text, meta, removed };
}
