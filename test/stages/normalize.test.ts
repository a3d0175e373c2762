import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Doc } from '../../datasets/doc.js';
import { normalize } from '../../stages/normalize.js';

const doc = (id: string, text: string): Doc => ({ id, source: 's', text, meta: { k: 'v' } });

test('hand-worked example: line endings, controls, NFC, trailing spaces, blank runs', async () => {
  const o = normalize.options.parse({});
  const out = await normalize.run([doc('a', '\ufeffCafe\u0301 \t\r\nline\u0000 two  \r\n\r\n\r\n\r\nend\u0085\n')], o, undefined);
  assert.deepEqual(out.kept, [{ id: 'a', source: 's', text: 'Café\nline two\n\nend', meta: { k: 'v' } }]);
});

test('each drop reason, just inside and just outside its bound', async () => {
  const o = normalize.options.parse({ minChars: 3, maxChars: 5 });
  const out = await normalize.run([doc('e', ' \n\t '), doc('s', 'ab'), doc('k3', 'abc'), doc('k5', 'abcde'), doc('l', 'abcdef')], o, undefined);
  assert.deepEqual(out.kept.map((d) => d.id), ['k3', 'k5']);
  assert.deepEqual(out.rejected.map((r) => [r.doc.id, r.reason]), [['e', 'empty'], ['s', 'too-short'], ['l', 'too-long']]);
});

test('NFKC folds compatibility characters when asked', async () => {
  const out = await normalize.run([doc('a', 'ﬁ ①')], normalize.options.parse({ unicode: 'NFKC' }), undefined);
  assert.equal(out.kept[0].text, 'fi 1');
});
