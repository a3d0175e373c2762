// html-strip: HTML documents become the text a reader sees; title and language go to meta; boilerplate
// blocks are removed and counted per rule. Non-HTML documents pass through unchanged.
import { z } from 'zod';
import type { Doc } from '../datasets/doc.js';
import { joinBlocks, removeBoilerplate } from './html/boilerplate.js';
import { extractHtml } from './html/extract.js';
import { defineStage, type StageOutput } from './stage.js';

const options = z
  .object({
    which: z.enum(['html', 'all']).default('html').describe('strip documents marked text/html (or that look like HTML), or every document'),
    boilerplate: z.boolean().default(true).describe('remove link-dense blocks, cookie/legal banners and menus'),
    maxLinkDensity: z.number().min(0).max(1).default(0.5).describe('share of link text above which a short block is navigation'),
    linkDensityMaxWords: z.number().int().min(0).default(50).describe('link density judges only blocks with fewer words'),
    menuRunBlocks: z.number().int().min(2).default(4).describe('consecutive 1-3 word blocks, mostly linked, that make a menu'),
    regionProseChars: z.number().int().min(0).default(200).describe('a page-level header/footer is kept only if it has this many characters outside links'),
  })
  .strict();

const LOOKS_HTML = /^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i;

export function isHtml(doc: Doc): boolean {
  return doc.meta.contentType === 'text/html' || (doc.meta.contentType === undefined && LOOKS_HTML.test(doc.text.slice(0, 1024)));
}

export const htmlStrip = defineStage({
  name: 'html-strip',
  description: 'HTML to readable text (htmlparser2): drops scripts, navigation, chrome; boilerplate removal; title and lang to meta.',
  kind: 'document',
  options,
  run(docs, o): StageOutput {
    const out: StageOutput = { kept: [], rejected: [], counters: {} };
    const counters = out.counters!;
    const count = (k: string, n = 1): void => {
      if (n) counters[k] = (counters[k] ?? 0) + n;
    };
    for (const doc of docs) {
      if (o.which === 'html' && !isHtml(doc)) {
        out.kept.push(doc);
        count('not-html');
        continue;
      }
      const ex = extractHtml(doc.text);
      let text: string;
      if (o.boilerplate) {
        const cleaned = removeBoilerplate(ex.blocks, o);
        text = cleaned.text;
        for (const [rule, n] of Object.entries(cleaned.removed)) count(`blocks-removed.${rule}`, n);
      } else text = joinBlocks(ex.blocks);
      count('blocks-removed.chrome-attribute', ex.chromeElements);
      const next: Doc = { ...doc, text, meta: { ...doc.meta, contentType: 'text/plain', title: ex.title, htmlLang: ex.lang } };
      if (text.trim() === '') out.rejected.push({ doc: next, reason: 'no-text-after-strip' });
      else out.kept.push(next);
    }
    return out;
  },
});
