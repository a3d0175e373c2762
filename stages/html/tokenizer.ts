// HTML in one forward scan (indexOf to the next '<', no per-character state machine), giving the tree events
// htmlparser2's Parser gives in HTML mode (implied end tags, void elements, raw text of script and style, a
// self-closing slash honoured), so the extraction rules read the same tree. The open-element stack is an
// array with a count per name: closing a tag costs what it pops, so 100,000 nested divs parse in linear time.
import { decodeHTML, decodeHTMLAttribute } from 'entities';

export interface TreeHandler {
  /** An element opens; `attrs` holds only the attributes asked for (names lowercased, entities decoded). */
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
export const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** Elements whose content is text up to their end tag: raw, or with entities decoded (RCDATA). */
const RAW = new Set(['script', 'style', 'xmp']);
const RCDATA = new Set(['title', 'textarea']);

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13 || c === 12;
const isAlpha = (c: number): boolean => ((c | 32) >= 97 && (c | 32) <= 122);
const NO_ATTRS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** A tag or attribute name as htmlparser2 gives it: lowercased (ASCII names are copied only when they hold capitals). */
function lower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return s.toLowerCase();
  }
  return s;
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
  const stack: string[] = [];
  const openCount = new Map<string, number>();
  let textStart = 0;
  const text = (end: number): void => {
    if (end > textStart) {
      const s = html.slice(textStart, end);
      h.ontext(s.indexOf('&') >= 0 ? decodeHTML(s) : s);
    }
  };
  const pop = (): void => {
    const name = stack.pop()!;
    openCount.set(name, openCount.get(name)! - 1);
    h.onclosetag(name);
  };
  const close = (name: string): void => {
    if (VOID.has(name)) {
      if (name === 'br') {
        h.onopentag('br', NO_ATTRS);
        h.onclosetag('br');
      }
    } else if ((openCount.get(name) ?? 0) > 0) {
      while (stack[stack.length - 1] !== name) pop();
      pop();
    } else if (name === 'p') {
      open('p', NO_ATTRS);
      pop();
    }
  };
  const open = (name: string, attrs: Record<string, string>): void => {
    const implied = IMPLIES_CLOSE.get(name);
    if (implied) while (stack.length > 0 && implied.has(stack[stack.length - 1])) pop();
    if (VOID.has(name)) {
      h.onopentag(name, attrs);
      h.onclosetag(name);
      return;
    }
    stack.push(name);
    openCount.set(name, (openCount.get(name) ?? 0) + 1);
    h.onopentag(name, attrs);
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
      const name = lower(html.slice(lt + 1, j));
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
        if (ne - ns > 12) continue; // no attribute we read is longer ("aria-hidden", "itemprop")
        const an = lower(html.slice(ns, ne));
        if (!keep.has(an)) continue;
        if (attrs === NO_ATTRS) attrs = {};
        if (an in attrs) continue; // the first of a repeated attribute counts
        const v = vs < 0 ? '' : html.slice(vs, ve);
        attrs[an] = v.indexOf('&') >= 0 ? decodeHTMLAttribute(v) : v;
      }
      text(lt);
      open(name, attrs);
      textStart = i = j;
      if (selfClosing) {
        if (!VOID.has(name)) close(name);
        continue;
      }
      if (RAW.has(name) || RCDATA.has(name)) {
        const end = endTagAt(html, name, j);
        const stop = end < 0 ? len : end;
        if (stop > j) {
          const body = html.slice(j, stop);
          h.ontext(RCDATA.has(name) && body.indexOf('&') >= 0 ? decodeHTML(body) : body);
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
        close(lower(html.slice(lt + 2, j)));
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
