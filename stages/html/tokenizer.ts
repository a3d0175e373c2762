// HTML in one forward scan (indexOf to the next '<', no per-character state machine), giving the tree events
// htmlparser2's Parser gives in HTML mode (implied end tags, void elements, raw text of script and style, a
// self-closing slash honoured), so the extraction rules read the same tree. The open-element stack is an
// array with a count per tag name: closing a tag costs what it pops, so 100,000 nested divs parse in linear time.
import { decodeHTML, decodeHTMLAttribute } from 'entities';

export interface TreeHandler {
  /**
   * An element opens; `attrs` has every attribute asked for as a property (undefined when the tag lacks it; names
   * lowercased, values with entities decoded): one object shape for every tag, so reading it stays fast.
   */
  onopentag(name: string, attrs: Record<string, string>): void;
  /** Text between tags, entities decoded (one call per run of text). */
  ontext(text: string): void;
  /** An element closes: by its end tag, implied by another tag, or at the end of the page. */
  onclosetag(name: string): void;
}

const P = new Set(['p']);
const FORM = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const DDT = new Set(['dd', 'dt']);
const RTP = new Set(['rt', 'rp']);
const SECTION = new Set(['thead', 'tbody']);
/** Open tags that close the elements open above them (htmlparser2's openImpliesClose). */
const IMPLIES_CLOSE = new Map<string, Set<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', DDT],
  ['dt', DDT],
  ['rt', RTP],
  ['rp', RTP],
  ['tbody', SECTION],
  ['tfoot', SECTION],
  ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((t) => [t, FORM] as [string, Set<string>]),
  ...'h1 h2 h3 h4 h5 h6 p address article aside blockquote details div dl fieldset figcaption figure footer form header hr main nav ol pre section table ul'.split(' ').map((t) => [t, P] as [string, Set<string>]),
]);
const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** Elements whose content is text up to their end tag: raw, or with entities decoded (RCDATA). */
const RAW = new Set(['script', 'style', 'xmp']);
const RCDATA = new Set(['title', 'textarea']);

const NORMAL = 0;
const RAW_TEXT = 1;
const DECODED = 2;

/** What the parser needs to know of a tag name, looked up once per tag; `open`/`gen` count it on this page's stack. */
interface Tag {
  name: string;
  implies: Set<string> | undefined;
  isVoid: boolean;
  content: number;
  open: number;
  gen: number;
}
const TAGS = new Map<string, Tag>();
const TAGS_MAX = 10_000;
let generation = 0;

function tagOf(name: string): Tag {
  let t = TAGS.get(name);
  if (t === undefined) {
    t = { name, implies: IMPLIES_CLOSE.get(name), isVoid: VOID.has(name), content: RAW.has(name) ? RAW_TEXT : RCDATA.has(name) ? DECODED : NORMAL, open: 0, gen: 0 };
    TAGS.set(name, t);
  }
  return t;
}

/** Tags by the hash of their ASCII name (open addressing, index into SEEN + 1): a name is found in place, not sliced. */
const BY_HASH = new Int32Array(1 << 14);
const SEEN: Tag[] = [];
const HASHES: number[] = [];

/** The tag html[s, e) names, any case. */
function tagIn(html: string, s: number, e: number): Tag {
  let h = 0;
  for (let i = s; i < e; i++) {
    let c = html.charCodeAt(i);
    if (c > 127) return tagOf(html.slice(s, e).toLowerCase());
    if (c >= 65 && c <= 90) c += 32;
    h = (Math.imul(h, 31) + c) | 0;
  }
  const mask = BY_HASH.length - 1;
  let k = h & mask;
  for (; BY_HASH[k] !== 0; k = (k + 1) & mask) {
    const t = SEEN[BY_HASH[k] - 1];
    if (HASHES[BY_HASH[k] - 1] !== h || t.name.length !== e - s) continue;
    let i = 0;
    for (; i < e - s; i++) {
      const c = html.charCodeAt(s + i);
      if ((c >= 65 && c <= 90 ? c + 32 : c) !== t.name.charCodeAt(i)) break;
    }
    if (i === e - s) return t;
  }
  const t = tagOf(lower(html.slice(s, e)));
  if (SEEN.length < BY_HASH.length / 2) {
    BY_HASH[k] = SEEN.push(t);
    HASHES.push(h);
  }
  return t;
}

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13 || c === 12;
const isAlpha = (c: number): boolean => ((c | 32) >= 97 && (c | 32) <= 122);

/** A tag or attribute name as htmlparser2 gives it: lowercased (ASCII names are copied only when they hold capitals). */
function lower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return s.toLowerCase();
  }
  return s;
}

interface AttributeIndex {
  /** The names asked for, by their first letter (a name is matched in place, never copied to be looked up). */
  byFirst: (string[] | undefined)[];
  /** Every name asked for, undefined (frozen: passed to every tag without attributes). */
  none: Record<string, string>;
  /** The same, not frozen: each tag's attributes are a copy of it (one shape; spreading a frozen object is 5x slower). */
  blank: Record<string, string>;
}
const indexes = new WeakMap<ReadonlySet<string>, AttributeIndex>();

function attributeIndex(keep: ReadonlySet<string>): AttributeIndex {
  let index = indexes.get(keep);
  if (index === undefined) {
    const byFirst: (string[] | undefined)[] = [];
    for (const name of keep) (byFirst[name.charCodeAt(0) | 32] ??= []).push(name);
    const blank = Object.fromEntries([...keep].map((k) => [k, undefined])) as unknown as Record<string, string>;
    index = { byFirst, none: Object.freeze({ ...blank }), blank };
    indexes.set(keep, index);
  }
  return index;
}

/** The asked-for name (its own string, so objects keyed by it stay fast) that html[ns, ne) spells in any case, if any. */
function wanted(html: string, ns: number, ne: number, byFirst: (string[] | undefined)[]): string | undefined {
  const names = byFirst[html.charCodeAt(ns) | 32];
  if (names === undefined) return undefined;
  next: for (const name of names) {
    if (name.length !== ne - ns) continue;
    // ASCII letters match in either case; '|32' maps nothing else in a name onto a letter or '-'.
    for (let k = 1; k < name.length; k++) if ((html.charCodeAt(ns + k) | 32) !== name.charCodeAt(k)) continue next;
    return name;
  }
  return undefined;
}

/** Where the end tag `</name` (any case, then a space, '/' or '>') of a raw-text element starts, or -1. */
function endTagAt(html: string, name: string, from: number): number {
  for (let i = html.indexOf('</', from); i >= 0; i = html.indexOf('</', i + 2)) {
    let k = 0;
    while (k < name.length && (html.charCodeAt(i + 2 + k) | 32) === name.charCodeAt(k)) k++;
    if (k < name.length) continue;
    const c = html.charCodeAt(i + 2 + k);
    if (isSpace(c) || c === 62 || c === 47) return i;
  }
  return -1;
}

/**
 * Parses a whole page, calling `h` in document order. `keep` names the attributes the handler reads; the rest are
 * skipped without being copied. A tag cut off by the end of the page is dropped, as browsers and htmlparser2 do.
 */
export function parseHtml(html: string, h: TreeHandler, keep: ReadonlySet<string>): void {
  const len = html.length;
  const { byFirst, none: NO_ATTRS, blank } = attributeIndex(keep);
  const stack: Tag[] = [];
  const gen = ++generation;
  if (TAGS.size > TAGS_MAX) {
    // Only between pages: a tag on the stack keeps its entry.
    TAGS.clear();
    BY_HASH.fill(0);
    SEEN.length = HASHES.length = 0;
  }
  let textStart = 0;
  const text = (end: number): void => {
    if (end > textStart) {
      const s = html.slice(textStart, end);
      h.ontext(s.indexOf('&') >= 0 ? decodeHTML(s) : s);
    }
  };
  const openOf = (t: Tag): number => (t.gen === gen ? t.open : 0);
  const pop = (): void => {
    const t = stack.pop()!;
    t.open--;
    h.onclosetag(t.name);
  };
  const close = (t: Tag): void => {
    if (t.isVoid) {
      if (t.name === 'br') {
        h.onopentag('br', NO_ATTRS);
        h.onclosetag('br');
      }
    } else if (openOf(t) > 0) {
      while (stack[stack.length - 1] !== t) pop();
      pop();
    } else if (t.name === 'p') {
      open(t, NO_ATTRS);
      pop();
    }
  };
  const open = (t: Tag, attrs: Record<string, string>): void => {
    if (t.implies) while (stack.length > 0 && t.implies.has(stack[stack.length - 1].name)) pop();
    if (t.isVoid) {
      h.onopentag(t.name, attrs);
      h.onclosetag(t.name);
      return;
    }
    stack.push(t);
    if (t.gen !== gen) {
      t.gen = gen;
      t.open = 0;
    }
    t.open++;
    h.onopentag(t.name, attrs);
  };

  let i = 0;
  let tail = len; // where the page's last text ends: its end, or a tag cut off by it
  scan: while (i < len) {
    const lt = html.indexOf('<', i);
    if (lt < 0 || lt + 1 >= len) break;
    const c = html.charCodeAt(lt + 1);
    if (!isAlpha(c) && c !== 47 && c !== 33 && c !== 63) {
      // A '<' that starts no tag is text.
      i = lt + 1;
      continue;
    }
    // The three searches for '>' below are written differently on purpose: as one expression TurboFan merged
    // them and ran the search ahead of the branches, for every '<' (quadratic on a million "1 <" and no '>').
    if (isAlpha(c)) {
      // <name attr=value ...>
      let j = lt + 2;
      while (j < len) {
        const ch = html.charCodeAt(j);
        if (isSpace(ch) || ch === 47 || ch === 62) break;
        j++;
      }
      const tag = tagIn(html, lt + 1, j);
      let attrs = NO_ATTRS;
      let selfClosing = false;
      for (;;) {
        while (j < len && isSpace(html.charCodeAt(j))) j++;
        if (j >= len) {
          tail = lt;
          break scan;
        }
        const ch = html.charCodeAt(j);
        if (ch === 62) {
          j++;
          break;
        }
        if (ch === 47) {
          j++;
          if (html.charCodeAt(j) === 62) {
            selfClosing = true;
            j++;
            break;
          }
          continue;
        }
        const ns = j;
        j++;
        while (j < len) {
          const a = html.charCodeAt(j);
          if (isSpace(a) || a === 47 || a === 62 || a === 61) break;
          j++;
        }
        const ne = j;
        while (j < len && isSpace(html.charCodeAt(j))) j++;
        let vs = -1;
        let ve = -1;
        if (html.charCodeAt(j) === 61) {
          j++;
          while (j < len && isSpace(html.charCodeAt(j))) j++;
          const q = html.charCodeAt(j);
          if (q === 34 || q === 39) {
            const e = html.indexOf(q === 34 ? '"' : "'", j + 1);
            if (e < 0) {
              tail = lt;
              break scan;
            }
            vs = j + 1;
            ve = e;
            j = e + 1;
          } else {
            vs = j;
            while (j < len) {
              const a = html.charCodeAt(j);
              if (isSpace(a) || a === 62) break;
              j++;
            }
            ve = j;
          }
        }
        const an = wanted(html, ns, ne, byFirst);
        if (an === undefined) continue;
        if (attrs === NO_ATTRS) attrs = { ...blank };
        else if (attrs[an] !== undefined) continue; // the first of a repeated attribute counts
        const v = vs < 0 ? '' : html.slice(vs, ve);
        attrs[an] = v.indexOf('&') >= 0 ? decodeHTMLAttribute(v) : v;
      }
      text(lt);
      open(tag, attrs);
      textStart = i = j;
      if (selfClosing) {
        if (!tag.isVoid) close(tag);
        continue;
      }
      if (tag.content !== NORMAL) {
        const end = endTagAt(html, tag.name, j);
        const stop = end < 0 ? len : end;
        if (stop > j) {
          const body = html.slice(j, stop);
          h.ontext(tag.content === DECODED && body.indexOf('&') >= 0 ? decodeHTML(body) : body);
        }
        textStart = i = stop;
      }
    } else if (c === 47) {
      // </name ...>, </> (nothing), or a bogus comment
      const c2 = html.charCodeAt(lt + 2);
      const gt = html.indexOf('>', lt + 2);
      if (gt < 0) {
        tail = lt;
        break;
      }
      text(lt);
      if (isAlpha(c2)) {
        let j = lt + 3;
        while (j < gt) {
          const ch = html.charCodeAt(j);
          if (isSpace(ch) || ch === 47) break;
          j++;
        }
        close(tagIn(html, lt + 2, j));
      }
      textStart = i = gt + 1;
    } else if (c === 33) {
      // <!-- comment -->, <![CDATA[ ]]>, <!DOCTYPE ...>
      let end: number;
      let skip: number;
      if (html.startsWith('--', lt + 2)) {
        if (html.charCodeAt(lt + 4) === 62) [end, skip] = [lt + 4, 1];
        else if (html.startsWith('->', lt + 4)) [end, skip] = [lt + 4, 2];
        else [end, skip] = [html.indexOf('-->', lt + 4), 3];
      } else if (html.startsWith('[CDATA[', lt + 2)) [end, skip] = [html.indexOf(']]>', lt + 9), 3];
      else [end, skip] = [html.charCodeAt(lt + 2) === 62 ? lt + 2 : html.indexOf('>', lt + 3), 1];
      if (end < 0) {
        tail = lt; // a comment runs to the end of the page
        break;
      }
      text(lt);
      textStart = i = end + skip;
    } else {
      // <?processing instruction>
      const gt = html.indexOf('>', lt + 1);
      if (gt < 0) {
        tail = lt;
        break;
      }
      text(lt);
      textStart = i = gt + 1;
    }
  }
  text(tail);
  while (stack.length) pop();
}
