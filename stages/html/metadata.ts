// Page metadata as trafilatura extracts it: title, author, publication date, site name, canonical URL and
// language, from <meta> tags, JSON-LD, <time>, <link rel=canonical>, <html lang> and the first <h1>.
import type { PageMeta } from './page.js';

export interface HtmlMetadata {
  title: string | null;
  author: string | null;
  date: string | null;
  siteName: string | null;
  url: string | null;
  htmlLang: string | null;
}

type Json = Record<string, unknown>;

/** Every object of the page's JSON-LD (top level, arrays, @graph), in order; unparseable scripts are skipped. */
function ldObjects(scripts: string[]): Json[] {
  const out: Json[] = [];
  const queue: unknown[] = [];
  for (const s of scripts) {
    try {
      queue.push(JSON.parse(s.trim()));
    } catch {
      // A page's broken JSON-LD is not our error: its other sources still count.
    }
  }
  while (queue.length && out.length < 200) {
    const v = queue.shift();
    if (Array.isArray(v)) queue.push(...v);
    else if (v && typeof v === 'object') {
      out.push(v as Json);
      if (Array.isArray((v as Json)['@graph'])) queue.push(...((v as Json)['@graph'] as unknown[]));
    }
  }
  return out;
}

const ARTICLE = /Article|BlogPosting|Report|NewsArticle|WebPage|Review|Recipe|Posting/;

function name(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (Array.isArray(v)) {
    const names = v.map(name).filter((x): x is string => !!x);
    return names.length ? names.join('; ') : null;
  }
  if (v && typeof v === 'object') return name((v as Json).name);
  return null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** The article text JSON-LD carries, if any (a fallback for pages that render it by script). */
export function jsonLdBody(meta: PageMeta): string | null {
  for (const o of ldObjects(meta.jsonLd)) {
    const body = str(o.articleBody) ?? str(o.reviewBody) ?? str(o.text);
    if (body && body.length > 100) return body.replace(/<[^>]+>/g, ' ');
  }
  return null;
}

/** Strips " | Site" or " - Site" from a <title> when the site name is known. */
function cleanTitle(title: string, site: string | null): string {
  if (!site) return title;
  const m = new RegExp(`\\s*[|\\-–—:·]\\s*${site.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'i').exec(title);
  return m ? title.slice(0, m.index) : title;
}

export function metadata(meta: PageMeta, firstH1: string | null): HtmlMetadata {
  const t = meta.tags;
  const ld = ldObjects(meta.jsonLd);
  const article = ld.find((o) => typeof o['@type'] === 'string' && ARTICLE.test(o['@type'] as string)) ?? ld[0];
  const site = t['og:site_name'] ?? name(article?.publisher) ?? name(ld.find((o) => o['@type'] === 'WebSite')) ?? t['application-name'] ?? null;
  const title = t['og:title'] ?? str(article?.headline) ?? t['twitter:title'] ?? (meta.title ? cleanTitle(meta.title, site) : null) ?? firstH1;
  // article:author is often a profile URL: a name is wanted.
  const author = [t.author, name(article?.author), t['article:author'], t['dc.creator'], t['parsely-author'], t['sailthru.author'], t.citation_author].find((a) => a && !/^https?:\/\//.test(a)) ?? null;
  const date =
    t['article:published_time'] ?? t['og:article:published_time'] ?? str(article?.datePublished) ?? t.datepublished ?? t['dc.date.issued'] ?? t['dc.date'] ?? t['dcterms.date'] ?? t.date ?? t.pubdate ?? t['publish-date'] ?? t.publishdate ?? t['parsely-pub-date'] ?? t['sailthru.date'] ?? t.citation_publication_date ?? meta.time ?? str(article?.dateCreated) ?? null;
  const url = meta.canonical ?? t['og:url'] ?? str(article?.url) ?? null;
  return { title: title?.replace(/\s+/g, ' ').trim() || null, author, date, siteName: site, url, htmlLang: meta.lang };
}
