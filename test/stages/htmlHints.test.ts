import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hintChrome, hintOf, hintRank, hintWeight, RULES } from '../../stages/html/hints.js';

const rule = (tag: string, a: Record<string, string>): string | null => {
  const c = hintChrome(hintOf(tag, a));
  return c ? RULES[c - 1] : null;
};

test('class words are whole pieces of a token (split at - _ . : and camelCase), matched in any case', () => {
  assert.equal(rule('div', { class: 'jp-relatedposts' }), 'related');
  assert.equal(rule('div', { class: 'navigator-links' }), null, 'a piece that only contains a word is not that word');
  assert.equal(rule('div', { class: 'postComments' }), 'comments');
  assert.equal(rule('div', { class: 'SIDEBAR' }), 'sidebar');
  assert.equal(rule('div', { class: 'x:nav' }), 'navigation');
  assert.equal(rule('div', { class: 'col-md-4 widget' }), 'sidebar', 'any token of the value');
  assert.equal(rule('div', { id: 'breadcrumbTrail' }), 'navigation', 'a rule prefix on a piece');
  assert.equal(rule('div', { class: 'a-b-read-more-x' }), 'related', 'two pieces that mark chrome only together');
  assert.equal(rule('div', { class: 'read-x-more' }), null, 'pairs are adjacent pieces');
});

test('a token names its rule by its last piece, then its first; the first token with a rule names the value', () => {
  assert.equal(rule('div', { class: 'comment-nav' }), 'navigation');
  assert.equal(rule('div', { class: 'comment-list-x' }), 'comments');
  assert.equal(rule('div', { class: 'event-meta-address' }), null, 'a middle piece names nothing');
  assert.equal(rule('div', { class: 'share-bar comment' }), 'share');
  assert.equal(rule('div', { id: 'secondary' }), 'sidebar', "WordPress's sidebar");
  assert.equal(rule('p', { class: 'font--secondary' }), null, 'a type style, not a sidebar');
});

test('taxonomy slugs and overlong tokens say nothing; values that look like Object members are plain words', () => {
  assert.equal(rule('div', { class: 'tag-comments' }), null);
  assert.equal(rule('div', { class: 'menu-item-33' }), null);
  assert.equal(rule('div', { class: 'menu-item' }), 'navigation', 'only "menu-item" followed by - or _ is a slug');
  assert.equal(rule('div', { class: '-tag-comments' }), 'comments', 'a slug opens the token');
  assert.equal(rule('div', { class: 'post-1234 page-template-comments' }), null, 'a part name before a number or an id word is a slug');
  assert.equal(rule('section', { class: 'post-author' }), 'byline-meta', 'a part name before a word is a part of that part');
  assert.equal(rule('div', { class: 'post-comments' }), 'comments');
  assert.equal(rule('div', { class: `${'x'.repeat(77)}-nav` }), null);
  assert.equal(rule('div', { class: 'constructor __proto__ hasOwnProperty' }), null);
});

test('non-ASCII pieces are lowercased as JavaScript does; weights add up over tokens and ids and are clamped', () => {
  assert.equal(rule('div', { class: 'Kommentare-box' }), 'comments');
  assert.equal(rule('div', { class: 'ÜBER-nav' }), 'navigation');
  assert.equal(rule('div', { class: 'İnfo' }), null);
  assert.equal(hintWeight(hintOf('div', { class: 'post', id: 'content' })), 50);
  assert.equal(hintWeight(hintOf('div', { class: 'post-sidebar' })), 0);
  assert.equal(hintWeight(hintOf('div', { class: 'article-body', id: 'main' })), 50);
  assert.equal(hintWeight(hintOf('div', { class: 'sidebar-widget footer-menu share-social' })), -50);
});

test('containers rank by trafilatura order; other tags never rank', () => {
  assert.equal(hintRank(hintOf('div', { class: 'entry-content' })), 1);
  assert.equal(hintRank(hintOf('article', {})), 2);
  assert.equal(hintRank(hintOf('div', { class: 'story-body' })), 3);
  assert.equal(hintRank(hintOf('div', { class: 'main-content' })), 4);
  assert.equal(hintRank(hintOf('main', {})), 5);
  assert.equal(hintRank(hintOf('span', { class: 'entry-content' })), 0);
  assert.equal(hintRank(hintOf('div', { class: 'col-md-4' })), 0);
});
