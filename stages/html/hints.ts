// What an element's tag, class, id, role and itemprop say about it, computed once when it opens: which kind of
// page chrome it marks (by rule name, for the counters), how likely it is the main content (trafilatura's
// BODY_XPATH order, Readability's class weights). Words are matched as pieces of class tokens and ids
// (split at - _ and camelCase), never as substrings: "jp-relatedposts" is related, "shared-links" is not shared.

/** Chrome rules, by the piece of a class or id that marks them (a rule name is a counter name). */
const PIECES: Record<string, string> = {};
const add = (rule: string, words: string): void => words.split(' ').forEach((w) => (PIECES[w] = rule));
add('comments', 'comment comments commentlist commentform comol disqus dsq respond replies reply akismet nocomments discussion kommentare');
add('navigation', 'nav navbar navigation navi menu menue submenu subnav breadcrumb breadcrumbs pagination pager skiplink skip crumbs');
add('sidebar', 'sidebar widget widgets widgetarea marginal marginalie secondary aside rail sidebox');
add('share', 'share sharing shares social sociable sharedaddy addthis shariff addtoany follow sharebar socials');
add('ads', 'ad ads adv advert adverts advertising advertisement anzeige sponsor sponsored sponsors outbrain taboola criteo affiliate adsbygoogle banner');
add('related', 'related relatedposts relatedarticles teaser teasers trending popular mostpopular recommended recommendations recirculation upsell nextstory morelinks readmore latest');
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
  return PIECES[p] ?? (p.startsWith('related') ? 'related' : p.startsWith('comment') ? 'comments' : p.startsWith('share') || p.startsWith('social') ? 'share' : p.startsWith('advert') || p.startsWith('sponsor') ? 'ads' : p.startsWith('teaser') ? 'related' : p.startsWith('breadcrumb') ? 'navigation' : undefined);
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
const cache = new Map<string, Hint>();
const CACHE_MAX = 100_000;

/** The hint of an element (tag lowercased; attributes as htmlparser2 gives them), cached: pages repeat their classes. */
export function hintOf(tag: string, a: Record<string, string>): Hint {
  const { class: cls, id, role, itemprop, style } = a;
  if (cls === undefined && id === undefined && role === undefined && itemprop === undefined && style === undefined && !('hidden' in a) && a['aria-hidden'] === undefined && !CHROME_TAG_RULE[tag] && tag !== 'article' && tag !== 'main') return NONE;
  const key = `${tag}\u0000${cls ?? ''}\u0000${id ?? ''}\u0000${role ?? ''}\u0000${itemprop ?? ''}\u0000${style ?? ''}\u0000${'hidden' in a ? 1 : 0}${a['aria-hidden'] ?? ''}`;
  let h = cache.get(key);
  if (h === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    h = computeHint(tag, a);
    cache.set(key, h);
  }
  return h;
}

function computeHint(tag: string, a: Record<string, string>): Hint {
  let chrome = 0;
  const role = a.role?.toLowerCase();
  if ('hidden' in a || a['aria-hidden'] === 'true' || (a.style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(a.style))) chrome = RULE_ID.get('hidden')!;
  else if (role && CHROME_ROLES[role]) chrome = RULE_ID.get(CHROME_ROLES[role])!;
  else if (CHROME_TAG_RULE[tag]) chrome = RULE_ID.get(CHROME_TAG_RULE[tag])!;
  const cls = a.class ?? '';
  const id = a.id ?? '';
  const ts = cls || id ? [...tokens(cls), ...tokens(id)] : [];
  if (!chrome && ts.length) chrome = chromeIn(ts);
  let rank = 0;
  if (CONTAINERS.has(tag)) {
    const c = ` ${cls.toLowerCase()} `;
    if (c.includes(' post ') || c.includes(' entry ') || a.itemprop === 'articleBody' || id === 'articleContent' || R1_ID.test(id) || R1_CLASS.test(cls)) rank = 1;
    else if (tag === 'article') rank = 2;
    else if (role === 'article' || id === 'article' || id === 'story' || /^(postarea|art-postcontent|text|cell|story)$/.test(cls) || /^primary|story-body/.test(id) || R3_CLASS.test(cls)) rank = 3;
    else if (id === 'content' || cls === 'content' || R4.test(id) || R4.test(cls)) rank = 4;
    else if (tag === 'main' || /^main/i.test(cls) || /^main/i.test(id) || role === 'main') rank = 5;
  }
  let weight = 0;
  for (const ps of ts) {
    for (const p of ps) {
      if (POSITIVE.has(p)) weight += 25;
      else if (NEGATIVE.has(p)) weight -= 25;
    }
  }
  return { chrome, rank, weight: Math.max(-50, Math.min(50, weight)) };
}
