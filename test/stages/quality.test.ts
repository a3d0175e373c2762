import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Doc, Meta } from '../../datasets/doc.js';
import { c4Lines } from '../../stages/quality/c4.js';
import { gopherQuality, gopherRepetition } from '../../stages/quality/gopher.js';
import { quality } from '../../stages/quality.js';
import { qualityScores } from '../../stages/qualityScores.js';

const doc = (text: string, meta: Meta = {}): Doc => ({ id: 'd', source: 's', text, meta });
/** n distinct words of 6-8 letters: no repetition, no stop words. */
const letters = (k: number): string => [676, 26, 1].map((b) => String.fromCharCode(97 + (Math.floor(k / b) % 26))).join('');
const words = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `wo${letters(i + from)}rd`);

async function judge(text: string, filter: Record<string, unknown> = {}, scores: Record<string, unknown> = {}): Promise<string | null> {
  const s = await qualityScores.run([doc(text)], qualityScores.options.parse(scores), undefined);
  if (s.rejected.length) return s.rejected[0].reason;
  const q = await quality.run(s.kept, quality.options.parse(filter), undefined);
  return q.rejected[0]?.reason ?? null;
}

test('hand-worked Gopher quality scores', () => {
  const s = gopherQuality('The cat, the dog ... and #tags\n- bullet line…\nlast 42');
  // tokens: The cat , the dog ... and # tags - bullet line … last 42  -> 15 tokens, 10 with a letter or digit
  assert.deepEqual(s, {
    'gopher.words': 10,
    'gopher.meanWordLength': 3.5,
    'gopher.hashRatio': round(1 / 15),
    'gopher.ellipsisRatio': round(2 / 15),
    'gopher.bulletLines': round(1 / 3),
    'gopher.ellipsisLines': round(1 / 3),
    'gopher.alphaWords': round(9 / 15),
    'gopher.stopWords': 2,
  });
});

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

test('hand-worked repetition scores: duplicate lines, paragraphs and n-grams as datatrove counts them', () => {
  const text = 'a b c\na b c\n\nd e f';
  const s = gopherRepetition(text);
  assert.equal(s['repetition.dupLineFrac'], round(1 / 3));
  assert.equal(s['repetition.dupLineCharFrac'], round(5 / text.length));
  assert.equal(s['repetition.dupParaFrac'], 0);
  // most frequent 2-gram "a b" (or "b c") twice: 2 * 3 chars
  assert.equal(s['repetition.top2gram'], round(6 / text.length));
  // words a b c a b c d e f: the 5-gram at 0 never repeats
  assert.equal(s['repetition.dup5gram'], 0);
  const rep = gopherRepetition('x y z w v x y z w v x y z w v');
  assert.equal(rep['repetition.dup5gram'], round(10 / 29)); // two repeats of "xyzwv" (5 chars each, joined without spaces)
});

test('C4 line rules: each removal counted; lorem ipsum and curly brackets flagged; sentences counted', () => {
  const r = c4Lines('Good line here. Another sentence!\nToo short\nEnable JavaScript to see this page now.\nRead our privacy policy today please.\nA {json} line is here.\n' + 'x'.repeat(1001) + ' tail word here\nlorem ipsum dolor sit amet.', {
    dropNoTerminalPunct: false, minWordsPerLine: 3, maxWordLength: 1000, dropJavascriptLines: true, dropPolicyLines: true, removeCitations: true,
  });
  assert.equal(r.text, 'Good line here. Another sentence!\nA {json} line is here.\nlorem ipsum dolor sit amet.');
  assert.deepEqual(r.linesRemoved, { 'too-few-words': 1, javascript: 1, policy: 1, 'too-long-word': 1 });
  assert.deepEqual([r.lorem, r.curly, r.sentences], [true, true, 4]);
  const strict = c4Lines('Ends well.\nNo end here\nTrailing dots...', { dropNoTerminalPunct: true, minWordsPerLine: 0, maxWordLength: 1000, dropJavascriptLines: true, dropPolicyLines: true, removeCitations: true });
  assert.equal(strict.text, 'Ends well.');
  assert.deepEqual(strict.linesRemoved, { 'no-terminal-punct': 2 });
});

test('Gopher on real-looking documents: just inside and just outside the word count and stop words', async () => {
  const only = { rules: ['gopher-quality'] };
  assert.equal(await judge(`the and ${words(48).join(' ')}.`, only), null);
  assert.equal(await judge(`the and ${words(47).join(' ')}.`, only), 'gopher.short-doc');
  assert.equal(await judge(`the ${words(60).join(' ')}.`, only), 'gopher.stop-words');
  assert.equal(await judge(`The and ${words(60).join(' ')}.`, only), 'gopher.stop-words'); // case-sensitive, as datatrove
  assert.equal(await judge(`the and ${words(60).join(' ')} ${'# '.repeat(8)}`, only), 'gopher.hash-ratio');
  assert.equal(await judge(`the and ${words(60).join(' ')} ${'# '.repeat(6)}`, only), null);
  assert.equal(await judge(`the and ${words(40).join(' ')} ${Array.from({ length: 30 }, (_, i) => i * 7).join(' ')}`, only), 'gopher.alpha-words');
  const bullets = Array.from({ length: 10 }, (_, i) => `- the and ${words(6, i * 6).join(' ')}`);
  assert.equal(await judge(bullets.join('\n'), only), 'gopher.bullet-lines');
  assert.equal(await judge([...bullets.slice(0, 9), `the and ${words(6, 60).join(' ')}`].join('\n'), only), null); // 90% exactly: inside
});

test('repetition, C4 and FineWeb on hand-made documents', async () => {
  const para = (i: number): string => `the and ${words(12, i * 12).join(' ')}.`;
  const distinct = Array.from({ length: 10 }, (_, i) => para(i));
  assert.equal(await judge(distinct.join('\n'), { rules: ['gopher-repetition'] }), null);
  const dupLines = [...distinct.slice(0, 6), para(0), para(1), para(2), para(3)];
  assert.equal(await judge(dupLines.join('\n'), { rules: ['gopher-repetition'] }), 'repetition.dup-line-frac');
  assert.equal(await judge(distinct.slice(0, 4).join(' '), { rules: ['c4'] }), 'c4.too-few-sentences');
  assert.equal(await judge(distinct.slice(0, 5).join(' '), { rules: ['c4'] }), null);
  assert.equal(await judge(`${distinct.join('\n')}\nlorem ipsum dolor sit amet`, { rules: ['c4'] }), 'c4.lorem-ipsum');
  assert.equal(await judge(`${distinct.join('\n')}\nfunction f() { return 1; }`, { rules: ['c4'] }), 'c4.curly-bracket');
  const noPunct = distinct.map((l) => l.slice(0, -1));
  assert.equal(await judge(noPunct.join('\n'), { rules: ['fineweb'] }), 'fineweb.line-punct');
  assert.equal(await judge([...noPunct.slice(0, 8), ...distinct.slice(8)].join('\n'), { rules: ['fineweb'] }), null); // 0.2 >= 0.12
  const shortLines = [...distinct.slice(0, 3), ...Array.from({ length: 7 }, (_, i) => `the ${words(2, 200 + i * 2).join(' ')}.`)];
  assert.equal(await judge(shortLines.join('\n'), { rules: ['fineweb'] }), 'fineweb.short-lines');
});

/** Every threshold: a value exactly at the limit is kept, one just past it is dropped with the rule's reason. */
const PASSING: Meta = {
  'gopher.words': 500, 'gopher.meanWordLength': 5, 'gopher.hashRatio': 0, 'gopher.ellipsisRatio': 0, 'gopher.bulletLines': 0,
  'gopher.ellipsisLines': 0, 'gopher.alphaWords': 1, 'gopher.stopWords': 20,
  'repetition.dupParaFrac': 0, 'repetition.dupParaCharFrac': 0, 'repetition.dupLineFrac': 0, 'repetition.dupLineCharFrac': 0,
  'repetition.top2gram': 0, 'repetition.top3gram': 0, 'repetition.top4gram': 0, 'repetition.dup5gram': 0, 'repetition.dup6gram': 0,
  'repetition.dup7gram': 0, 'repetition.dup8gram': 0, 'repetition.dup9gram': 0, 'repetition.dup10gram': 0,
  'c4.lorem': false, 'c4.curly': false, 'c4.sentences': 30,
  'fineweb.linePunct': 1, 'fineweb.shortLines': 0, 'fineweb.dupLineChars': 0, 'fineweb.newlineRatio': 0.05,
};
const EPS = 1e-6;
const CASES: [key: string, limit: number, direction: 'min' | 'max', reason: string][] = [
  ['gopher.words', 50, 'min', 'gopher.short-doc'],
  ['gopher.words', 100_000, 'max', 'gopher.long-doc'],
  ['gopher.meanWordLength', 3, 'min', 'gopher.mean-word-length-low'],
  ['gopher.meanWordLength', 10, 'max', 'gopher.mean-word-length-high'],
  ['gopher.hashRatio', 0.1, 'max', 'gopher.hash-ratio'],
  ['gopher.ellipsisRatio', 0.1, 'max', 'gopher.ellipsis-ratio'],
  ['gopher.bulletLines', 0.9, 'max', 'gopher.bullet-lines'],
  ['gopher.ellipsisLines', 0.3, 'max', 'gopher.ellipsis-lines'],
  ['gopher.alphaWords', 0.8, 'min', 'gopher.alpha-words'],
  ['gopher.stopWords', 2, 'min', 'gopher.stop-words'],
  ['repetition.dupParaFrac', 0.3, 'max', 'repetition.dup-para-frac'],
  ['repetition.dupParaCharFrac', 0.2, 'max', 'repetition.dup-para-char-frac'],
  ['repetition.dupLineFrac', 0.3, 'max', 'repetition.dup-line-frac'],
  ['repetition.dupLineCharFrac', 0.2, 'max', 'repetition.dup-line-char-frac'],
  ['repetition.top2gram', 0.2, 'max', 'repetition.top-2-gram'],
  ['repetition.top3gram', 0.18, 'max', 'repetition.top-3-gram'],
  ['repetition.top4gram', 0.16, 'max', 'repetition.top-4-gram'],
  ['repetition.dup5gram', 0.15, 'max', 'repetition.dup-5-gram'],
  ['repetition.dup6gram', 0.14, 'max', 'repetition.dup-6-gram'],
  ['repetition.dup7gram', 0.13, 'max', 'repetition.dup-7-gram'],
  ['repetition.dup8gram', 0.12, 'max', 'repetition.dup-8-gram'],
  ['repetition.dup9gram', 0.11, 'max', 'repetition.dup-9-gram'],
  ['repetition.dup10gram', 0.1, 'max', 'repetition.dup-10-gram'],
  ['c4.sentences', 5, 'min', 'c4.too-few-sentences'],
  ['fineweb.linePunct', 0.12, 'min', 'fineweb.line-punct'],
  ['fineweb.shortLines', 0.67, 'max', 'fineweb.short-lines'],
  ['fineweb.dupLineChars', 0.1, 'max', 'fineweb.dup-line-chars'],
  ['fineweb.newlineRatio', 0.3, 'max', 'fineweb.list-ratio'],
];

test('every threshold at its datatrove default: at the limit kept, just past it dropped with the exact reason', async () => {
  const o = quality.options.parse({});
  for (const [key, limit, dir, reason] of CASES) {
    const step = Number.isInteger(limit) && limit >= 1 ? 1 : EPS;
    const past = dir === 'min' ? limit - step : limit + step;
    const at = await quality.run([doc('x', { ...PASSING, [key]: limit })], o, undefined);
    const out = await quality.run([doc('x', { ...PASSING, [key]: past })], o, undefined);
    assert.equal(at.kept.length, 1, `${key} = ${limit} is inside`);
    assert.deepEqual(out.rejected.map((r) => r.reason), [reason], `${key} = ${past}`);
  }
  for (const [key, reason] of [['c4.lorem', 'c4.lorem-ipsum'], ['c4.curly', 'c4.curly-bracket']] as const) {
    const out = await quality.run([doc('x', { ...PASSING, [key]: true })], o, undefined);
    assert.deepEqual(out.rejected.map((r) => r.reason), [reason]);
  }
});

test('each rule can be retuned or turned off (null), and whole families can be left out', async () => {
  const short = doc('x', { ...PASSING, 'gopher.words': 10 });
  assert.equal((await quality.run([short], quality.options.parse({ minWords: null }), undefined)).kept.length, 1);
  assert.equal((await quality.run([short], quality.options.parse({ minWords: 5 }), undefined)).kept.length, 1);
  assert.equal((await quality.run([short], quality.options.parse({ rules: ['c4', 'fineweb'] }), undefined)).kept.length, 1);
  const unscored = await quality.run([doc('y')], quality.options.parse({}), undefined);
  assert.deepEqual(unscored.rejected.map((r) => r.reason), ['quality.no-scores']);
});
