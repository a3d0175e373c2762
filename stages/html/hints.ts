// What an element's tag, class, id, role and itemprop say about it, computed once when it opens: which kind of
// page chrome it marks (by rule name, for the counters), how likely it is the main content (trafilatura's
// BODY_XPATH order, Readability's class weights). Words are matched as pieces of class tokens and ids
// (split at - _ and camelCase), never as substrings: "jp-relatedposts" is related, "shared-links" is not shared.

/** Chrome rules, by the piece of a class or id that marks them (a rule name is a counter name). */
const PIECES: Record<string, string> = {};
const add = (rule: string, words: string): void => words.split(' ').forEach((w) => (PIECES[w] = rule));
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

export const RULES = [...new Set([...Object.values(PIECES), ...PAIRS.map((p) => p[2]), ...Object.values(CHROME_TAG_RULE), ...Object.values(CHROME_ROLES)])];
const RULE_ID = new Map(RULES.map((r, i) => [r, i + 1]));

/** The id of a rule name (RULES[id - 1] is the name). */
export const ruleId = (rule: string): number => RULE_ID.get(rule) ?? 0;

/** Class tokens that name a taxonomy term or state (WordPress "tag-news", "category-x", "postid-7"), not a part of the page. */
const SLUG = /^(tag|tags|category|categories|cat|format|status|type|postid|post|page|pageid|parent|term|taxonomy|lang|language|has|no|is|single|elementor|level|color|theme|template|layout|section|node|views|block|menu-item)[-_]/i;

/** The pieces of each class token and of the id: "jp-relatedposts" -> [jp, relatedposts], "articleBody" -> [article, body]. */
function tokens(value: string): string[][] {
  const out: string[][] = [];
  for (const token of value.split(/\s+/)) {
    if (!token || token.length > 80 || SLUG.test(token)) continue;
    const ps = token.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[-_\s.:]+/).filter(Boolean);
    if (ps.length) out.push(ps);
  }
  return out;
}

function ruleOf(p: string): string | undefined {
  return PIECES[p] ?? (p.startsWith('related') ? 'related' : p.startsWith('comment') ? 'comments' : p.startsWith('share') || p.startsWith('social') ? 'share' : p.startsWith('advert') || p.startsWith('sponsor') ? 'ads' : p.startsWith('teaser') ? 'teaser' : p.startsWith('breadcrumb') ? 'navigation' : undefined);
}

/** A token marks chrome by its first or last piece ("comment-list", "post-comments"; not "event-meta-address"), or by a pair. */
function chromeIn(ts: string[][]): number {
  for (const ps of ts) {
    const rule = ruleOf(ps[ps.length - 1]) ?? ruleOf(ps[0]);
    if (rule) return RULE_ID.get(rule)!;
    for (let i = 0; i + 1 < ps.length; i++) for (const [a, b, r] of PAIRS) if (a === ps[i] && b === ps[i + 1]) return RULE_ID.get(r)!;
  }
  return 0;
}

export interface Hint {
  /** 0, or the id of the chrome rule (RULES[id - 1]). */
  chrome: number;
  /** 1-5: trafilatura's order of main-content candidates (1 first), 0 none. */
  rank: number;
  /** Readability's class weight: +25 per positive, -25 per negative hint. */
  weight: number;
}

const CONTAINERS = new Set(['article', 'div', 'main', 'section']);
const R1_ID = /(entry|article|art)-content|article__content|article(-|__)?body|articlebody|body-text|articlecontent/i;
const R1_CLASS = /post[-_]text|post-body|post-?entry|post[-_]?content|postcontent|post_inner_wrapper|article-?text|articletext|(entry|page|text|article|art)-content|article__content|article(-|__)?body|articlebody|articlecontent|body-text|article__container|entry__content|story__content|article__text|post__content/i;
const R3_CLASS = /fulltext|^article |post-bodycopy|story-?content|(theme|blog|section|single)-content|single-post|main-column|wpb_text_column|story-body|field-body|field-name-body|node-content|itemfulltext|item-page/i;
const R4 = /content[-_]?main|content(-|__)body|contentbody|main-?content|page-content/i;

const NONE: Hint = { chrome: 0, rank: 0, weight: 0 };

/** What a class or id value says, whatever the element: its chrome rule, weight and which rank patterns it matches. */
interface Words {
  chrome: number;
  weight: number;
  r1: boolean;
  r3: boolean;
  r4: boolean;
  r5: boolean;
}

// Pages repeat their class values (and the web its ids): each distinct value is read once per worker.
const classWords = new Map<string, Words>();
const idWords = new Map<string, Words>();
const WORDS_MAX = 50_000;

function wordsOf(value: string, isId: boolean): Words {
  const cache = isId ? idWords : classWords;
  let w = cache.get(value);
  if (w !== undefined) return w;
  const ts = tokens(value);
  let weight = 0;
  for (const ps of ts) for (const p of ps) weight += POSITIVE.has(p) ? 25 : NEGATIVE.has(p) ? -25 : 0;
  const c = ` ${value.toLowerCase()} `;
  w = isId
    ? { chrome: chromeIn(ts), weight, r1: value === 'articleContent' || R1_ID.test(value), r3: value === 'article' || value === 'story' || /^primary|story-body/.test(value), r4: value === 'content' || R4.test(value), r5: /^main/i.test(value) }
    : { chrome: chromeIn(ts), weight, r1: c.includes(' post ') || c.includes(' entry ') || R1_CLASS.test(value), r3: /^(postarea|art-postcontent|text|cell|story)$/.test(value) || R3_CLASS.test(value), r4: value === 'content' || R4.test(value), r5: /^main/i.test(value) };
  if (cache.size >= WORDS_MAX) cache.clear();
  cache.set(value, w);
  return w;
}

/** The hint of an element (tag lowercased; attributes as htmlparser2 gives them). */
export function hintOf(tag: string, a: Record<string, string>): Hint {
  const { class: cls, id, role: roleAttr, itemprop, style } = a;
  if (cls === undefined && id === undefined && roleAttr === undefined && itemprop === undefined && style === undefined && !('hidden' in a) && a['aria-hidden'] === undefined && !CHROME_TAG_RULE[tag] && tag !== 'article' && tag !== 'main') return NONE;
  let chrome = 0;
  const role = roleAttr?.toLowerCase();
  if ('hidden' in a || a['aria-hidden'] === 'true' || (style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style))) chrome = RULE_ID.get('hidden')!;
  else if (role && CHROME_ROLES[role]) chrome = RULE_ID.get(CHROME_ROLES[role])!;
  else if (CHROME_TAG_RULE[tag]) chrome = RULE_ID.get(CHROME_TAG_RULE[tag])!;
  const cw = cls ? wordsOf(cls, false) : undefined;
  const iw = id ? wordsOf(id, true) : undefined;
  if (!chrome) chrome = cw?.chrome || iw?.chrome || 0;
  let rank = 0;
  if (CONTAINERS.has(tag)) {
    if (cw?.r1 || iw?.r1 || itemprop === 'articleBody') rank = 1;
    else if (tag === 'article') rank = 2;
    else if (role === 'article' || cw?.r3 || iw?.r3) rank = 3;
    else if (cw?.r4 || iw?.r4) rank = 4;
    else if (tag === 'main' || role === 'main' || cw?.r5 || iw?.r5) rank = 5;
  }
  const weight = (cw?.weight ?? 0) + (iw?.weight ?? 0);
  return chrome === 0 && rank === 0 && weight === 0 ? NONE : { chrome, rank, weight: Math.max(-50, Math.min(50, weight)) };
}
