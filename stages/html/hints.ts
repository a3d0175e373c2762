// What an element's tag, class, id, role and itemprop say about it, computed once when it opens: which kind of
// page chrome it marks (by rule name, for the counters), how likely it is the main content (trafilatura's
// BODY_XPATH order, Readability's class weights). Words are matched as pieces of class tokens and ids
// (split at - _ and camelCase), never as substrings: "jp-relatedposts" is related, "shared-links" is not shared.

/** Chrome rules, by the piece of a class or id that marks them (a rule name is a counter name). */
const PIECES = new Map<string, string>(); // a Map: a class named "constructor" must not find Object's
const add = (rule: string, words: string): void => words.split(' ').forEach((w) => PIECES.set(w, rule));
add('comments', 'comment comments commentlist commentform comol disqus dsq respond replies reply akismet nocomments discussion kommentare');
add('navigation', 'nav navbar navigation navi menu menue submenu subnav breadcrumb breadcrumbs pagination pager skiplink skip crumbs toc');
add('sidebar', 'sidebar widget widgets widgetarea marginal marginalie secondary aside rail sidebox');
add('share', 'share sharing shares social sociable sharedaddy addthis shariff addtoany follow sharebar socials');
add('ads', 'ad ads adv advert adverts advertising advertisement anzeige sponsor sponsored sponsors outbrain taboola criteo affiliate adsbygoogle banner disclosure disclaimer paid paidbox');
add('teaser', 'teaser teasers teasertext');
add('related', 'related relatedposts relatedarticles trending popular mostpopular recommended recommendations recirculation upsell nextstory morelinks readmore latest');
add('subscribe', 'newsletter subscribe subscription signup paywall donate donation cta promo popup modal overlay alert');
add('byline-meta', 'byline author authors authorbox vcard bio meta metadata postmetadata postmeta entrymeta dateline timestamp date posted postedon published tags tag tagged taglinks tagcloud categories category cats rating ratings likes print label readtime');
add('caption', 'caption captions figcaption credit credits copyright attachment');
add('cookie-consent', 'cookie cookies consent gdpr cmp');
add('hidden', 'hidden hide invisible sronly screenreader noprint');
add('page-footer', 'footer');

/** Pieces of two words that mark chrome only together (a piece alone is too common). */
const PAIRS: [string, string, string][] = [
  ['read', 'more', 'related'],
  ['more', 'stories', 'related'],
  ['more', 'articles', 'related'],
  ['next', 'post', 'related'],
  ['prev', 'post', 'related'],
  ['post', 'navigation', 'navigation'],
  ['entry', 'utility', 'byline-meta'],
  ['entry', 'footer', 'byline-meta'],
  ['about', 'author', 'byline-meta'],
  ['article', 'infos', 'byline-meta'],
  ['meta', 'info', 'byline-meta'],
  ['author', 'info', 'byline-meta'],
  ['read', 'time', 'byline-meta'],
  ['same', 'topic', 'related'],
  ['user', 'info', 'byline-meta'],
  ['visually', 'hidden', 'hidden'],
  ['screen', 'reader', 'hidden'],
  ['sr', 'only', 'hidden'],
  ['d', 'none', 'hidden'],
];

/** Readability's class weights: a piece that suggests content (+) or not (-). */
const POSITIVE = new Set(['article', 'body', 'content', 'entry', 'hentry', 'main', 'page', 'post', 'text', 'blog', 'story', 'artikel', 'beitrag', 'inhalt']);
const NEGATIVE = new Set(['combx', 'comment', 'contact', 'foot', 'footer', 'footnote', 'masthead', 'media', 'outbrain', 'promo', 'related', 'scroll', 'shoutbox', 'sidebar', 'sponsor', 'shopping', 'tags', 'tool', 'widget', 'header', 'menu', 'share', 'social']);

/** Tags that are chrome wherever they are (trafilatura deletes them), decided later under the text-share guard. */
export const CHROME_TAG_RULE: Record<string, string> = {
  nav: 'navigation',
  aside: 'sidebar',
  menu: 'navigation',
  form: 'form',
  figure: 'caption',
  figcaption: 'caption',
  label: 'form',
  time: 'byline-meta',
  fieldset: 'form',
  dialog: 'subscribe',
};

export const CHROME_ROLES: Record<string, string> = {
  navigation: 'navigation',
  banner: 'page-header',
  contentinfo: 'page-footer',
  complementary: 'sidebar',
  search: 'navigation',
  menu: 'navigation',
  menubar: 'navigation',
  dialog: 'subscribe',
  alertdialog: 'subscribe',
};

export const RULES = [...new Set([...PIECES.values(), ...PAIRS.map((p) => p[2]), ...Object.values(CHROME_TAG_RULE), ...Object.values(CHROME_ROLES)])];
const RULE_ID = new Map(RULES.map((r, i) => [r, i + 1]));

/** The id of a rule name (RULES[id - 1] is the name). */
export const ruleId = (rule: string): number => RULE_ID.get(rule) ?? 0;

/** Class tokens that name a taxonomy term or state (WordPress "tag-news", "category-x", "postid-7"), not a part of the page. */
const SLUG = /^(tag|tags|category|categories|cat|format|status|type|postid|post|page|pageid|parent|term|taxonomy|lang|language|has|no|is|single|elementor|level|color|theme|template|layout|section|node|views|block|menu-item)[-_]/i;

/** The pieces of a token ("jp-relatedposts" -> [jp, relatedposts], "articleBody" -> [article, body]), lowercased; null for a slug. */
function piecesOf(token: string): string[] | null {
  if (token.length > 80 || SLUG.test(token)) return null;
  const out: string[] = [];
  let start = 0;
  let prevLower = false;
  for (let i = 0; i <= token.length; i++) {
    const c = i < token.length ? token.charCodeAt(i) : 32;
    const sep = c === 45 || c === 95 || c === 46 || c === 58 || c <= 32;
    const upper = c >= 65 && c <= 90;
    if (sep || (upper && prevLower)) {
      if (i > start) out.push(token.slice(start, i).toLowerCase());
      start = sep ? i + 1 : i;
    }
    prevLower = c >= 97 && c <= 122;
  }
  return out.length ? out : null;
}

function ruleOf(p: string): string | undefined {
  return PIECES.get(p) ?? (p.startsWith('related') ? 'related' : p.startsWith('comment') ? 'comments' : p.startsWith('share') || p.startsWith('social') ? 'share' : p.startsWith('advert') || p.startsWith('sponsor') ? 'ads' : p.startsWith('teaser') ? 'teaser' : p.startsWith('breadcrumb') ? 'navigation' : undefined);
}

/** PAIRS by first piece, then second. */
const PAIR_RULES = new Map<string, Map<string, string>>();
for (const [a, b, r] of PAIRS) PAIR_RULES.set(a, (PAIR_RULES.get(a) ?? new Map<string, string>()).set(b, r));

/** A token marks chrome by its first or last piece ("comment-list", "post-comments"; not "event-meta-address"), or by a pair. */
function chromeIn(ps: string[]): number {
  const rule = ruleOf(ps[ps.length - 1]) ?? ruleOf(ps[0]);
  if (rule) return RULE_ID.get(rule)!;
  for (let i = 0; i + 1 < ps.length; i++) {
    const r = PAIR_RULES.get(ps[i])?.get(ps[i + 1]);
    if (r) return RULE_ID.get(r)!;
  }
  return 0;
}

const CONTAINERS = new Set(['article', 'div', 'main', 'section']);
const R1_ID = /(entry|article|art)-content|article__content|article(-|__)?body|articlebody|body-text|articlecontent/i;
const R1_CLASS = /post[-_]text|post-body|post-?entry|post[-_]?content|postcontent|post_inner_wrapper|article-?text|articletext|(entry|page|text|article|art)-content|article__content|article(-|__)?body|articlebody|articlecontent|body-text|article__container|entry__content|story__content|article__text|post__content/i;
const R3_CLASS = /fulltext|^article |post-bodycopy|story-?content|(theme|blog|section|single)-content|single-post|main-column|wpb_text_column|story-body|field-body|field-name-body|node-content|itemfulltext|item-page/i;
const R4 = /content[-_]?main|content(-|__)body|contentbody|main-?content|page-content/i;

/** A hint packed in one number: chrome rule id (bits 0-7), rank (8-11), Readability weight + 128 (12-19). */
export const NO_HINT = 128 << 12;
export const hintChrome = (h: number): number => h & 0xff;
export const hintRank = (h: number): number => (h >> 8) & 0xf;
export const hintWeight = (h: number): number => ((h >> 12) & 0xff) - 128;
/** The same hint with another chrome rule. */
export const withChrome = (h: number, chrome: number): number => (h & ~0xff) | chrome;

// Pages repeat their class values (and the web its ids): each distinct value is read once per worker, and each
// distinct class token (values share most of theirs: "col-md-4 widget", "col-md-4 entry") once as well.
const classWords = new Map<string, number>();
const idWords = new Map<string, number>();
const tokenWords = new Map<string, number>();
const classRanks = new Map<string, number>();
const idRanks = new Map<string, number>();
const WORDS_MAX = 50_000;
const TOKENS_MAX = 100_000;
/** Weights are stored offset by this, so a packed word is never negative. */
const W0 = 1 << 12;

/** Chrome rule id and weight of one token's pieces, packed as chrome | (weight + W0) << 8. */
function packWords(ps: string[]): number {
  let weight = 0;
  for (const p of ps) weight += POSITIVE.has(p) ? 25 : NEGATIVE.has(p) ? -25 : 0;
  return chromeIn(ps) | ((weight + W0) << 8);
}

function tokenInfo(token: string): number {
  let v = tokenWords.get(token);
  if (v !== undefined) return v;
  const ps = piecesOf(token);
  v = ps ? packWords(ps) : W0 << 8;
  if (tokenWords.size >= TOKENS_MAX) tokenWords.clear();
  tokenWords.set(token, v);
  return v;
}

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13 || c === 12;

/** What a class or id value says whatever the element: its chrome rule and weight (packed as packWords). */
function wordsOf(value: string, isId: boolean): number {
  const cache = isId ? idWords : classWords;
  let v = cache.get(value);
  if (v !== undefined) return v;
  // The first token with a chrome rule names it; weights add up (packWords over all the tokens).
  let weight = 0;
  let chrome = 0;
  for (let i = 0; i < value.length; ) {
    while (i < value.length && isSpace(value.charCodeAt(i))) i++;
    let j = i;
    while (j < value.length && !isSpace(value.charCodeAt(j))) j++;
    if (j > i) {
      const info = tokenInfo(i === 0 && j === value.length ? value : value.slice(i, j));
      weight += (info >> 8) - W0;
      if (!chrome) chrome = info & 0xff;
    }
    i = j;
  }
  v = chrome | ((weight + W0) << 8);
  if (cache.size >= WORDS_MAX) cache.clear();
  cache.set(value, v);
  return v;
}

/** Words every rank pattern holds one of: a value with none of them skips the patterns. */
const RANK_STEMS = ['post', 'art', 'content', 'text', 'body', 'entr', 'stor', 'main', 'item', 'cell', 'primary', 'page', 'column'];
const M1 = 1;
const M3 = 2;
const M4 = 4;
const M5 = 8;

/** Which rank patterns a container's class or id value matches, as bits M1 | M3 | M4 | M5. */
function ranksOf(value: string, isId: boolean): number {
  const cache = isId ? idRanks : classRanks;
  let v = cache.get(value);
  if (v !== undefined) return v;
  const lc = value.toLowerCase();
  v = 0;
  if (RANK_STEMS.some((s) => lc.includes(s))) {
    const c = ` ${lc} `;
    const r1 = isId ? value === 'articleContent' || R1_ID.test(value) : c.includes(' post ') || c.includes(' entry ') || R1_CLASS.test(value);
    const r3 = isId ? value === 'article' || value === 'story' || /^primary|story-body/.test(value) : /^(postarea|art-postcontent|text|cell|story)$/.test(value) || R3_CLASS.test(value);
    v = (r1 ? M1 : 0) | (r3 ? M3 : 0) | (value === 'content' || R4.test(value) ? M4 : 0) | (/^main/i.test(value) ? M5 : 0);
  }
  if (cache.size >= WORDS_MAX) cache.clear();
  cache.set(value, v);
  return v;
}

const CHROME_TAG_ID = new Map(Object.entries(CHROME_TAG_RULE).map(([t, r]) => [t, RULE_ID.get(r)!]));
const CHROME_ROLE_ID = new Map(Object.entries(CHROME_ROLES).map(([t, r]) => [t, RULE_ID.get(r)!]));
const HIDDEN = RULE_ID.get('hidden')!;
const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;

/** The hint of an element, packed (tag lowercased; attributes as the tokenizer gives them). */
export function hintOf(tag: string, a: Record<string, string>): number {
  const { class: cls, id, role: roleAttr, itemprop, style } = a;
  const tagChrome = CHROME_TAG_ID.get(tag) ?? 0;
  if (cls === undefined && id === undefined && roleAttr === undefined && itemprop === undefined && style === undefined && a.hidden === undefined && a['aria-hidden'] === undefined && !tagChrome && tag !== 'article' && tag !== 'main') return NO_HINT;
  let chrome = 0;
  const role = roleAttr?.toLowerCase();
  if (a.hidden !== undefined || a['aria-hidden'] === 'true' || (style && style.length > 10 && HIDDEN_STYLE.test(style))) chrome = HIDDEN;
  else if (role && CHROME_ROLE_ID.has(role)) chrome = CHROME_ROLE_ID.get(role)!;
  else chrome = tagChrome;
  const cw = cls ? wordsOf(cls, false) : W0 << 8;
  const iw = id ? wordsOf(id, true) : W0 << 8;
  if (!chrome) chrome = cw & 0xff || iw & 0xff;
  let rank = 0;
  if (CONTAINERS.has(tag)) {
    const r = (cls ? ranksOf(cls, false) : 0) | (id ? ranksOf(id, true) : 0);
    if (r & M1 || itemprop === 'articleBody') rank = 1;
    else if (tag === 'article') rank = 2;
    else if (role === 'article' || r & M3) rank = 3;
    else if (r & M4) rank = 4;
    else if (tag === 'main' || role === 'main' || r & M5) rank = 5;
  }
  const weight = (cw >> 8) + (iw >> 8) - 2 * W0;
  return chrome | (rank << 8) | ((Math.max(-50, Math.min(50, weight)) + 128) << 12);
}
