// lang-share: keeps the languages with enough text in the corpus. Counts documents and UTF-8 bytes per language
// (meta.lang) in the workers, decides once which languages have at least minDocs documents and minBytes bytes,
// writes languages.json (every language with its counts and whether it is kept), then drops the documents of the
// others (lang.too-little-text). Documents without a language (und) count as their own language.
import { z } from 'zod';
import { utf8Bytes } from '../datasets/doc.js';
import { defineArtifactStage } from './stage.js';

const options = z
  .object({
    minDocs: z.number().int().min(1).default(10).describe('fewest documents a kept language has'),
    minBytes: z.number().int().min(0).default(20_000).describe('fewest UTF-8 bytes of text a kept language has'),
  })
  .strict();

const langOf = (meta: Record<string, unknown>): string => (typeof meta.lang === 'string' ? meta.lang : 'und');

export const langShare = defineArtifactStage({
  name: 'lang-share',
  description: 'Keeps the languages with enough text (documents and bytes per language over the corpus); writes languages.json.',
  kind: 'artifact',
  options,
  requires: ['lang-detect'],
  count(docs) {
    const counts: Record<string, number> = {};
    for (const d of docs) {
      const lang = langOf(d.meta);
      counts[`docs:${lang}`] = (counts[`docs:${lang}`] ?? 0) + 1;
      counts[`bytes:${lang}`] = (counts[`bytes:${lang}`] ?? 0) + utf8Bytes(d.text);
    }
    return counts;
  },
  reduce(counts, o) {
    const langs = [...counts.keys()].filter((k) => k.startsWith('docs:')).map((k) => k.slice(5));
    const table = langs
      .map((lang) => ({ lang, docs: counts.get(`docs:${lang}`)!, bytes: counts.get(`bytes:${lang}`) ?? 0 }))
      .map((r) => ({ ...r, kept: r.lang !== 'und' && r.docs >= o.minDocs && r.bytes >= o.minBytes }))
      .sort((a, b) => b.bytes - a.bytes || (a.lang < b.lang ? -1 : 1));
    const kept = table.filter((r) => r.kept).map((r) => r.lang);
    return {
      files: { 'languages.json': `${JSON.stringify({ minDocs: o.minDocs, minBytes: o.minBytes, languages: table }, null, 1)}\n` },
      stats: { languages: table.length, languagesKept: kept.length },
      learned: { kept },
    };
  },
  keep(doc, _o, learned) {
    return (learned.kept as string[]).includes(langOf(doc.meta)) ? null : 'lang.too-little-text';
  },
});
