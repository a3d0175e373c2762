// Which elements are content, which are chrome, and which break lines: the tables html-strip works from.

/** Never what a reader reads: dropped with everything inside. */
export const SKIP_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'frame', 'frameset', 'object', 'embed',
  'canvas', 'nav', 'aside', 'form', 'button', 'select', 'option', 'optgroup', 'textarea', 'input', 'dialog',
  'menu', 'audio', 'video', 'map', 'head', 'applet', 'datalist', 'meter', 'progress', 'output', 'slot', 'param',
]);

/** Page chrome unless inside an article, section or main (where they are headings and bylines). */
export const CHROME_TAGS = new Set(['header', 'footer']);
export const CONTAINER_TAGS = new Set(['article', 'section', 'main']);

/** A new paragraph: text before and after are separated by a blank line. */
export const PARAGRAPH_TAGS = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol',
  'dl', 'blockquote', 'pre', 'table', 'figure', 'figcaption', 'address', 'details', 'summary', 'center', 'hr',
  'body', 'html', 'fieldset', 'caption', 'hgroup', 'tbody', 'thead', 'tfoot',
]);

/** A new line within a paragraph: list items, table rows, definition terms, line breaks. */
export const LINE_TAGS = new Set(['li', 'tr', 'dt', 'dd', 'br', 'option']);

/** Table cells: separated by ` | ` on their row's line. */
export const CELL_TAGS = new Set(['td', 'th']);

/** Elements that never have content or a closing tag. */
export const VOID_TAGS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/** class/id/role values that mark chrome: menus, cookie banners, share bars, ads. */
export const CHROME_ATTR = /(^|[\s_-])(nav|navbar|navigation|menu|breadcrumbs?|sidebar|footer|cookies?|consent|gdpr|banner|share|sharing|social|advert|advertisement|ads|promo|newsletter|popup|modal|related|skip-link|subscribe)($|[\s_-])/i;
export const CHROME_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar', 'dialog', 'alert']);

/** One lookup per tag instead of six: the categories above as bits. */
export const K_SKIP = 1;
export const K_CHROME = 2;
export const K_CONTAINER = 4;
export const K_PARAGRAPH = 8;
export const K_LINE = 16;
export const K_CELL = 32;
export const K_VOID = 64;

export const TAG_KIND: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  const add = (set: Set<string>, bit: number): void => set.forEach((t) => m.set(t, (m.get(t) ?? 0) | bit));
  add(SKIP_TAGS, K_SKIP);
  add(CHROME_TAGS, K_CHROME);
  add(CONTAINER_TAGS, K_CONTAINER);
  add(PARAGRAPH_TAGS, K_PARAGRAPH);
  add(LINE_TAGS, K_LINE);
  add(CELL_TAGS, K_CELL);
  add(VOID_TAGS, K_VOID);
  return m;
})();
