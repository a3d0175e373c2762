// Script checks for language identification: the share of a text's letters written in its language's scripts,
// and Simplified vs Traditional Chinese by the characters only one of them uses.
import { TextDecoder } from 'node:util';

const LETTER = /\p{L}/u;
const byScripts = new Map<string, RegExp>();

function scriptTest(scripts: readonly string[]): RegExp {
  const key = scripts.join(' ');
  let re = byScripts.get(key);
  if (!re) byScripts.set(key, (re = new RegExp(`[${scripts.map((s) => `\\p{Script=${s}}`).join('')}]`, 'u')));
  return re;
}

/** Share of the letters of `text` (at most `sample` characters looked at) in one of `scripts`; 1 for no letters. */
export function scriptShare(text: string, scripts: readonly string[], sample = 2000): number {
  const re = scriptTest(scripts);
  let letters = 0;
  let inScript = 0;
  for (const ch of text.slice(0, sample)) {
    if (!LETTER.test(ch)) continue;
    letters++;
    if (re.test(ch)) inScript++;
  }
  return letters === 0 ? 1 : inScript / letters;
}

/** Every character of a double-byte charset's main area, decoded by the runtime's own (ICU/WHATWG) decoder. */
function charset(label: string, leads: [number, number], trails: [number, number][]): Set<string> {
  const d = new TextDecoder(label);
  const out = new Set<string>();
  const pair = new Uint8Array(2);
  for (let a = leads[0]; a <= leads[1]; a++) {
    for (const [lo, hi] of trails) {
      for (let b = lo; b <= hi; b++) {
        pair[0] = a;
        pair[1] = b;
        const ch = d.decode(pair);
        if (ch.length === 1 && ch !== '\ufffd' && /\p{Script=Han}/u.test(ch)) out.add(ch);
      }
    }
  }
  return out;
}

let variants: { simplified: Set<string>; traditional: Set<string> } | undefined;

/**
 * Characters only one script form uses: in GB2312 (Simplified) but not Big5 (Traditional), and the other way
 * round, taken from the runtime's decoders so no character table ships with sluice.
 */
function chineseVariants(): { simplified: Set<string>; traditional: Set<string> } {
  if (!variants) {
    const gb = charset('gbk', [0xb0, 0xf7], [[0xa1, 0xfe]]); // GB2312's hanzi rows
    const big5 = charset('big5', [0xa4, 0xf9], [[0x40, 0x7e], [0xa1, 0xfe]]); // Big5's common and less common hanzi
    variants = { simplified: new Set([...gb].filter((c) => !big5.has(c))), traditional: new Set([...big5].filter((c) => !gb.has(c))) };
  }
  return variants;
}

/** `Hans` or `Hant` by which form's own characters a Chinese text uses more; null when it uses neither. */
export function chineseScript(text: string, sample = 4000): 'Hans' | 'Hant' | null {
  const { simplified, traditional } = chineseVariants();
  let s = 0;
  let t = 0;
  for (const ch of text.slice(0, sample)) {
    if (simplified.has(ch)) s++;
    else if (traditional.has(ch)) t++;
  }
  if (s === t) return null;
  return s > t ? 'Hans' : 'Hant';
}
