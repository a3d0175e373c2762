// What an element's tag, class, id, role and itemprop say about it, computed once when it opens: which kind of
// page chrome it marks (by rule name, for the counters), how likely it is the main content (trafilatura's
// BODY_XPATH order, Readability's class weights). Words are matched as pieces of class tokens and ids
// (split at - _ and camelCase), never as substrings: "jp-relatedposts" is related, "navigator-links" is not navigation.

/** Chrome rules, by the piece of a class or id that marks them (a rule name is a counter name). */
const PIECES = new Map<string, string>(); // a Map: a class named "constructor" must not find Object's
const add = (rule: string, words: string): void => words.split(' ').forEach((w) => PIECES.set(w, rule));
add('comments', 'comment comments commentlist commentform comol disqus dsq respond replies reply akismet nocomments discussion kommentare');
add('navigation', 'nav navbar navigation navi menu menue submenu subnav breadcrumb breadcrumbs pagination pager skiplink skip crumbs toc');
add('sidebar', 'sidebar widget widgets widgetarea marginal marginalie aside rail sidebox');
add('share', 'share sharing shares social sociable sharedaddy addthis shariff addtoany follow sharebar socials');
add('ads', 'ad ads adv advert adverts advertising advertisement anzeige sponsor sponsored sponsors outbrain taboola criteo affiliate adsbygoogle banner disclosure disclaimer paid paidbox');
add('teaser', 'teaser teasers teasertext');
add('related', 'related relatedposts relatedarticles trending popular mostpopular recommended recommendations recirculation upsell nextstory morelinks readmore latest');
add('subscribe', 'newsletter subscribe subscription signup paywall donate donation cta promo popup modal overlay alert');
add('byline-meta', 'byline author authors authorbox vcard bio meta metadata postmetadata postmeta entrymeta dateline timestamp date posted postedon published tags tag tagged taglinks tagcloud categories category cats rating ratings likes label readtime');
add('caption', 'caption captions figcaption credit credits copyright attachment');
/** Pieces that mark chrome only in an id (WordPress's sidebar is #secondary; class "font--secondary" is type). */
const ID_PIECES = new Map<string, string>([['secondary', 'sidebar']]);
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
const SLUG_WORDS = new Set(['tag', 'tags', 'category', 'categories', 'cat', 'format', 'status', 'type', 'postid', 'pageid', 'parent', 'term', 'taxonomy', 'lang', 'language', 'has', 'no', 'is', 'single', 'elementor', 'level', 'color', 'theme', 'template', 'layout', 'views']);
/** Parts of a page that also prefix ids and states: "post-123", "page-template-x" are slugs, "post-author" is not. */
const PART_SLUG_WORDS = new Set(['post', 'page', 'section', 'node', 'block']);
const PART_SLUG_NEXT = new Set(['id', 'template', 'type', 'format', 'parent', 'status', 'views', 'item']);
/** Pieces whose prefix names a rule ("relatedposts2", "commentlist-x"), tried after the exact pieces. */
const PREFIX_RULES: [string, string][] = [['related', 'related'], ['comment', 'comments'], ['share', 'share'], ['social', 'share'], ['advert', 'ads'], ['sponsor', 'ads'], ['teaser', 'teaser'], ['breadcrumb', 'navigation']];
const MAX_TOKEN = 80;

/** A word a piece can be: its chrome rule (exact piece), weight, slug-ness and the pairs it starts. */
interface Word {
  text: string;
  hash: number;
  rule: number;
  /** The rule in an id (ID_PIECES), else `rule`. */
  idRule: number;
  weight: number;
  /** 1: a slug prefix; 2: a slug prefix only before a number or a PART_SLUG_NEXT word. */
  slug: number;
  partNext: boolean;
  /** Second word's index -> rule, for PAIRS starting with this word. */
  pairs: Map<number, number> | undefined;
  index: number;
}
const WORDS: Word[] = [];
const WORD_OF = new Map<string, Word>();
/** Open-addressing table of WORDS by hash (index + 1; 0 empty). */
const TABLE_BITS = 11;
const TABLE = new Int32Array(1 << TABLE_BITS);
const hashOf = (s: string): number => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
};
function word(text: string): Word {
  let w = WORD_OF.get(text);
  if (w === undefined) {
    w = { text, hash: hashOf(text), rule: 0, idRule: 0, weight: 0, slug: 0, partNext: false, pairs: undefined, index: WORDS.length };
    WORDS.push(w);
    WORD_OF.set(text, w);
    let k = w.hash & (TABLE.length - 1);
    while (TABLE[k] !== 0) k = (k + 1) & (TABLE.length - 1);
    TABLE[k] = w.index + 1;
  }
  return w;
}
for (const [p, r] of PIECES) word(p).rule = word(p).idRule = RULE_ID.get(r)!;
for (const [p, r] of ID_PIECES) word(p).idRule = RULE_ID.get(r)!;
for (const p of POSITIVE) word(p).weight += 25;
for (const p of NEGATIVE) word(p).weight -= 25;
for (const p of SLUG_WORDS) word(p).slug = 1;
for (const p of PART_SLUG_WORDS) word(p).slug = 2;
for (const p of PART_SLUG_NEXT) word(p).partNext = true;
for (const [a, b, r] of PAIRS) (word(a).pairs ??= new Map()).set(word(b).index, RULE_ID.get(r)!);
// "menu-item-N" is a slug.
const MENU = word('menu');
const ITEM = word('item');

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const lowerAscii = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

/** The word value[s, e) spells (ASCII, any case), or undefined. */
function wordAt(value: string, s: number, e: number, h: number): Word | undefined {
  for (let k = h & (TABLE.length - 1); TABLE[k] !== 0; k = (k + 1) & (TABLE.length - 1)) {
    const w = WORDS[TABLE[k] - 1];
    if (w.hash !== h || w.text.length !== e - s) continue;
    let i = 0;
    while (i < w.text.length && lowerAscii(value.charCodeAt(s + i)) === w.text.charCodeAt(i)) i++;
    if (i === w.text.length) return w;
  }
  return undefined;
}

const PREFIXES = PREFIX_RULES.map(([p]) => p);
const PREFIX_RULE_IDS = PREFIX_RULES.map(([, r]) => RULE_ID.get(r)!);
/** Pieces shorter than this have no rule prefix. */
const MIN_PREFIX = Math.min(...PREFIXES.map((p) => p.length));

/** The rule a piece's prefix names (the piece lowercased is `lc`, or value[s, e) when ASCII). */
function prefixRule(value: string, s: number, e: number, lc: string | null): number {
  if (e - s < MIN_PREFIX) return 0;
  const first = lc === null ? lowerAscii(value.charCodeAt(s)) : lc.charCodeAt(0);
  for (let k = 0; k < PREFIXES.length; k++) {
    const prefix = PREFIXES[k];
    if (prefix.charCodeAt(0) !== first || e - s < prefix.length) continue;
    let i = 1;
    if (lc !== null) {
      if (!lc.startsWith(prefix)) continue;
    } else {
      while (i < prefix.length && lowerAscii(value.charCodeAt(s + i)) === prefix.charCodeAt(i)) i++;
      if (i < prefix.length) continue;
    }
    return PREFIX_RULE_IDS[k];
  }
  return 0;
}


/** ASCII character classes for the scan: a token ends at a space; a piece at a separator or a camelCase capital. */
const C_SPACE = 1;
const C_SEP = 2;
const C_UPPER = 4;
const C_LOWER = 8;
const NON_ASCII = 16;
const CHAR = new Uint8Array(128);
for (let c = 0; c <= 32; c++) CHAR[c] = C_SEP;
for (const c of [32, 10, 9, 13, 12]) CHAR[c] = C_SPACE | C_SEP;
for (const c of '-_.:') CHAR[c.charCodeAt(0)] = C_SEP;
for (let c = 65; c <= 90; c++) CHAR[c] = C_UPPER;
for (let c = 97; c <= 122; c++) CHAR[c] = C_LOWER;

/**
 * What a class or id value says whatever the element: the first chrome rule of its tokens and the sum of their
 * weights, packed as chrome | (weight + W0) << 8. A token's rule comes from its last piece, then its first, then a
 * pair of adjacent pieces (pieces split at - _ . : and camelCase). One scan, no strings made for ASCII pieces.
 */
function wordsOf(value: string, isId: boolean): number {
  let weight = 0;
  let chrome = 0;
  const len = value.length;
  // The current token's pieces so far: the first and last piece's rules and the first pair's.
  let tokenStart = 0;
  let skip = false; // a slug token: its pieces say nothing
  let tokenWeight = 0;
  let firstRule = 0;
  let firstAtStart = false;
  let partSlug = false; // the token opens with a part's name and a dash: a slug if a number or id word follows
  let pairRule = 0;
  let pieces = 0;
  let prev: Word | undefined;
  let lastStart = 0;
  let lastEnd = 0;
  let lastLc: string | null = null;
  let start = 0;
  let h = 0;
  let ascii = true;
  let prevLower = false;
  for (let j = 0; j <= len; j++) {
    const c = j < len ? value.charCodeAt(j) : 32;
    const k = c < 128 ? CHAR[c] : NON_ASCII;
    if (k === C_LOWER || k === 0) {
      // Most characters: a lowercase letter, digit or sign inside a piece.
      h = (Math.imul(h, 31) + c) | 0;
      prevLower = k === C_LOWER;
      continue;
    }
    const sep = (k & C_SEP) !== 0;
    const camel = (k & C_UPPER) !== 0 && prevLower;
    prevLower = (k & C_LOWER) !== 0;
    if (!skip && (sep || camel) && j > start) {
      let w: Word | undefined;
      let lc: string | null = null;
      if (ascii) w = wordAt(value, start, j, h);
      else w = WORD_OF.get((lc = value.slice(start, j).toLowerCase()));
      // A slug: a slug word, or "menu-item", opening the token and followed by - or _; a part's name ("post") only
      // before a number or an id word.
      const dash = c === 45 || c === 95;
      if (dash && ((pieces === 0 && start === tokenStart && w?.slug === 1) || (pieces === 1 && prev === MENU && w === ITEM && firstAtStart && value.charCodeAt(start - 1) === 45))) skip = true;
      else if (pieces === 1 && partSlug && (isDigit(value.charCodeAt(start)) || w?.partNext)) skip = true;
      else {
        if (pieces === 0) {
          firstRule = (isId ? w?.idRule : w?.rule) || prefixRule(value, start, j, lc);
          firstAtStart = start === tokenStart;
          partSlug = dash && firstAtStart && w?.slug === 2;
        }
        if (w !== undefined) tokenWeight += w.weight;
        if (pairRule === 0 && prev?.pairs && w !== undefined) pairRule = prev.pairs.get(w.index) ?? 0;
        prev = w;
        lastStart = start;
        lastEnd = j;
        lastLc = lc;
        pieces++;
      }
    }
    if (k & C_SPACE) {
      if (!skip && pieces > 0 && j - tokenStart <= MAX_TOKEN) {
        // The last piece's rule first, then the first's, then a pair's.
        weight += tokenWeight;
        if (!chrome) chrome = (pieces === 1 ? firstRule : (isId ? prev?.idRule : prev?.rule) || prefixRule(value, lastStart, lastEnd, lastLc)) || firstRule || pairRule;
      }
      tokenStart = j + 1;
      skip = false;
      tokenWeight = firstRule = pairRule = pieces = 0;
      prev = undefined;
    }
    if (sep || camel) {
      start = sep ? j + 1 : j;
      h = sep ? 0 : c + 32;
      ascii = true;
    } else {
      if (k === NON_ASCII) ascii = false;
      h = (Math.imul(h, 31) + (k & C_UPPER ? c + 32 : c)) | 0;
    }
  }
  return chrome | ((weight + W0) << 8);
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

// Pages repeat their class values: each distinct value's rank patterns are tried once per worker.
const classRanks = new Map<string, number>();
const idRanks = new Map<string, number>();
const WORDS_MAX = 50_000;
/** Weights are stored offset by this, so a packed word is never negative. */
const W0 = 1 << 12;

/** Words every rank pattern holds one of: a value with none of them skips the patterns (and the cache). */
const RANK_STEMS = /post|art|content|text|body|entr|stor|main|item|cell|primary|page|column/i;
const M1 = 1;
const M3 = 2;
const M4 = 4;
const M5 = 8;

/** Which rank patterns a container's class or id value matches, as bits M1 | M3 | M4 | M5. */
function ranksOf(value: string, isId: boolean): number {
  if (!RANK_STEMS.test(value)) return 0;
  const cache = isId ? idRanks : classRanks;
  let v = cache.get(value);
  if (v !== undefined) return v;
  const c = ` ${value.toLowerCase()} `;
  const r1 = isId ? value === 'articleContent' || R1_ID.test(value) : c.includes(' post ') || c.includes(' entry ') || R1_CLASS.test(value);
  const r3 = isId ? value === 'article' || value === 'story' || /^primary|story-body/.test(value) : /^(postarea|art-postcontent|text|cell|story)$/.test(value) || R3_CLASS.test(value);
  v = (r1 ? M1 : 0) | (r3 ? M3 : 0) | (value === 'content' || R4.test(value) ? M4 : 0) | (/^main/i.test(value) ? M5 : 0);
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
