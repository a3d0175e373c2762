// html-strip: HTML documents become their main content (the article, not the page around it) as text or
// Markdown; title, author, date, site name, canonical URL and <html lang> go to meta; every dropped block is
// counted by rule. Non-HTML documents pass through unchanged.
import { z } from 'zod';
import type { Doc } from '../datasets/doc.js';
import { extractMain, joinPageBlocks } from './html/extractMain.js';
import { metadata } from './html/metadata.js';
import { B_H, parsePage } from './html/page.js';
import { defineStage, type StageOutput } from './stage.js';

const options = z
  .object({
    which: z.enum(['html', 'all']).default('html').describe('strip documents marked text/html (or that look like HTML), or every document'),
    boilerplate: z.boolean().default(true).describe('keep the main content only (false: every visible text block of the page)'),
    favor: z.enum(['precision', 'balanced', 'recall']).default('balanced').describe('precision: less boilerplate, may lose text; recall: all the text, more boilerplate'),
    format: z.enum(['text', 'markdown']).default('text').describe('markdown keeps headings, lists, tables, quotes, code and links'),
    maxLinkDensity: z.number().min(0).max(1).default(0.5).describe('share of link text above which a short block is navigation'),
    linkDensityMaxWords: z.number().int().min(0).default(50).describe('link density judges only blocks with fewer words'),
    menuRunBlocks: z.number().int().min(2).default(4).describe('consecutive 1-3 word blocks, mostly linked, that make a menu'),
  })
  .strict();

const LOOKS_HTML = /^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i;

export function isHtml(doc: Doc): boolean {
  return doc.meta.contentType === 'text/html' || (doc.meta.contentType === undefined && LOOKS_HTML.test(doc.text.slice(0, 1024)));
}

export const htmlStrip = defineStage({
  name: 'html-strip',
  description: 'HTML to its main content (text or Markdown): container choice, chrome, comments, related links, bylines dropped and counted; metadata to meta.',
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
      let text: string;
      let meta: ReturnType<typeof metadata>;
      if (o.boilerplate) {
        const ex = extractMain(doc.text, o);
        text = ex.text;
        meta = ex.meta;
        for (const [rule, n] of Object.entries(ex.removed)) count(`blocks-removed.${rule}`, n);
      } else {
        const page = parsePage(doc.text, { markdown: o.format === 'markdown' });
        text = joinPageBlocks(page.blocks, o.format === 'markdown').normalize('NFC');
        meta = metadata(page.meta, page.blocks.find((b) => b.kind === B_H + 1)?.text ?? null);
      }
      const next: Doc = {
        ...doc,
        text,
        meta: { ...doc.meta, contentType: o.format === 'markdown' ? 'text/markdown' : 'text/plain', title: meta.title, htmlLang: meta.htmlLang, author: meta.author, published: meta.date, siteName: meta.siteName, canonicalUrl: meta.url },
      };
      if (text.trim() === '') out.rejected.push({ doc: next, reason: 'no-text-after-strip' });
      else out.kept.push(next);
    }
    return out;
  },
});
