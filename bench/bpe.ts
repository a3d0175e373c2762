// BPE benchmarks: gpt2 encoding MB/s against tiktoken (wasm), gpt-tokenizer and js-tiktoken on the same
// text in one run, scaling over worker threads, worst cases; training against Hugging Face tokenizers.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { get_encoding } from 'tiktoken';
import { getEncoding } from 'js-tiktoken';
import { encode as gptTokenizerEncode } from 'gpt-tokenizer/encoding/gpt2';
import { planParts } from '../datasets/inputs.js';
import { readPart } from '../datasets/readPart.js';
import { gpt2 } from '../shards/tokenizer/gpt2.js';
import { workerExecArgv } from '../pipelines/workerArgv.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function sampleTexts(): Promise<string[]> {
  const texts: string[] = [];
  const spec = { format: 'auto' as const, paths: [join(root, 'data', 'sample')], textField: 'text', maxDocBytes: 256 << 20, partBytes: 64 << 20, partFiles: 2000 };
  for (const part of await planParts(spec, root)) for await (const item of readPart(part, spec)) if (item.kind === 'doc') texts.push(item.doc.text);
  return texts;
}

function time(f: () => number): { s: number; tokens: number } {
  const t0 = performance.now();
  const tokens = f();
  return { s: (performance.now() - t0) / 1000, tokens };
}

export async function benchEncode(): Promise<string> {
  const texts = await sampleTexts();
  const mb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
  const ours = gpt2();
  const tk = get_encoding('gpt2');
  const jt = getEncoding('gpt2');
  const runs: [string, () => number][] = [
    ['sluice gpt2', () => texts.reduce((n, t) => n + ours.encode(t).length, 0)],
    ['tiktoken 1.0.22 (wasm)', () => texts.reduce((n, t) => n + tk.encode(t, [], []).length, 0)],
    ['gpt-tokenizer 3 (gpt2)', () => texts.reduce((n, t) => n + gptTokenizerEncode(t, { disallowedSpecial: new Set() }).length, 0)],
    ['js-tiktoken 1.0.21', () => texts.reduce((n, t) => n + jt.encode(t, [], []).length, 0)],
  ];
  const results = runs.map(([name, f]) => ({ name, ...time(f) }));
  const peer = results[1].s;
  const lines = [`gpt2 encoding of the whole sample corpus as read (${texts.length} documents, ${mb.toFixed(1)} MB, raw HTML and e-mail included), one thread, cold caches`];
  for (const r of results) lines.push(`  ${r.name.padEnd(24)} ${(mb / r.s).toFixed(2).padStart(6)} MB/s  ${(r.tokens / r.s / 1e6).toFixed(2).padStart(5)} M tokens/s  ratio ${(peer / r.s).toFixed(2)}`);
  // Worker threads: the same texts in batches across a pool.
  const threads = availableParallelism();
  const pool = new Piscina({ filename: new URL('./encodeWorker.js', import.meta.url).href, minThreads: threads, maxThreads: threads, execArgv: workerExecArgv() });
  const batches: string[][] = [];
  for (let i = 0; i < texts.length; i += 64) batches.push(texts.slice(i, i + 64));
  await Promise.all(batches.slice(0, threads * 4).map((b) => pool.run(b))); // load gpt2 in every worker first
  const t0 = performance.now();
  await Promise.all(batches.map((b) => pool.run(b)));
  const s = (performance.now() - t0) / 1000;
  await pool.destroy();
  lines.push(`  sluice gpt2, ${threads} worker threads ${(mb / s).toFixed(2).padStart(6)} MB/s  (scaling ${(results[0].s / s).toFixed(2)}x over one thread)`);
  const worst: [string, string][] = [
    ['a million spaces', ' '.repeat(1_000_000)],
    ['a 10 MB word', Array.from({ length: 10_000_000 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('')],
    ['10 MB of digits', '0123456789'.repeat(1_000_000)],
  ];
  for (const [name, text] of worst) {
    const r = time(() => ours.encode(text).length);
    lines.push(`  worst case, ${name.padEnd(18)} ${(r.s / (text.length / 1e6)).toFixed(2)} s per MB (${r.tokens.toLocaleString('en-US')} tokens)`);
  }
  return lines.join('\n');
}

/** Trains in a child process (so peak RSS is its own): ours with N worker threads, or Hugging Face's with RAYON_NUM_THREADS=N. */
function trainChild(which: 'ours' | 'hf', file: string, threads: number, vocab: number): { s: number; peakMB: number; vocab: number } {
  const dist = join(root, 'dist');
  const script =
    which === 'hf'
      ? `
    import tk from 'tokenizers';
    import { peakRssBytes } from ${JSON.stringify(join(dist, 'datasets', 'peakRss.js'))};
    const t = new tk.Tokenizer(tk.BPE.empty());
    t.setPreTokenizer(tk.byteLevelPreTokenizer(false, true));
    const t0 = performance.now();
    t.train([${JSON.stringify(file)}]);
    console.log(JSON.stringify({ s: (performance.now() - t0) / 1000, peakMB: peakRssBytes() / 1e6, vocab: t.getVocabSize() }));`
      : `
    import { createReadStream } from 'node:fs';
    import { createInterface } from 'node:readline';
    import { Piscina } from 'piscina';
    import { trainBpe } from ${JSON.stringify(join(dist, 'stages', 'bpe', 'train.js'))};
    import { peakRssBytes } from ${JSON.stringify(join(dist, 'datasets', 'peakRss.js'))};
    import { workerExecArgv } from ${JSON.stringify(join(dist, 'pipelines', 'workerArgv.js'))};
    const t0 = performance.now();
    const pool = new Piscina({ filename: ${JSON.stringify(join(dist, 'pipelines', 'worker.js'))}, minThreads: ${threads}, maxThreads: ${threads}, execArgv: workerExecArgv() });
    const options = { vocabSize: ${vocab}, minFrequency: 1, specialTokens: [], pattern: 'gpt2', maxTrainBytes: 1e12, validationFraction: 0 };
    const step = { stage: 'bpe-train', options, key: 'bench' };
    const totals = new Map();
    const inFlight = [];
    const add = (c) => { for (const k in c) totals.set(k, (totals.get(k) ?? 0) + c[k]); };
    let docs = [];
    let n = 0;
    const send = async () => {
      inFlight.push(pool.run({ kind: 'counts', step, sampleFraction: 1, docs }));
      docs = [];
      if (inFlight.length > ${threads}) add(await inFlight.shift());
    };
    // Streamed like the engine streams parts: the text is never all in memory.
    for await (const text of createInterface({ input: createReadStream(${JSON.stringify(file)}), crlfDelay: Infinity })) {
      docs.push({ id: String(n++), source: 'b', text, meta: {} });
      if (docs.length >= 1000) await send();
    }
    if (docs.length) await send();
    while (inFlight.length) add(await inFlight.shift());
    await pool.destroy();
    const r = trainBpe(totals, { vocabSize: ${vocab}, minFrequency: 1, specialTokens: [], pattern: 'gpt2', name: 'bench' });
    console.log(JSON.stringify({ s: (performance.now() - t0) / 1000, peakMB: peakRssBytes() / 1e6, vocab: r.tokenizer.vocabSize }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: root, env: { ...process.env, RAYON_NUM_THREADS: String(threads) }, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { s: number; peakMB: number; vocab: number };
}

export async function benchTrain(vocab = 30_000): Promise<string> {
  const texts = await sampleTexts();
  const dir = join(root, 'out', 'bench-bpe');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'train.txt');
  writeFileSync(file, texts.join('\n'));
  const mb = texts.reduce((n, t) => n + Buffer.byteLength(t) + 1, 0) / 1e6;
  const lines = [`BPE training, ${vocab.toLocaleString('en-US')} vocabulary, on the sample corpus as one text file (${mb.toFixed(1)} MB; every line a sequence), each run in its own process (time includes reading the file)`];
  for (const threads of [1, availableParallelism()]) {
    const hf = trainChild('hf', file, threads, vocab);
    const ours = trainChild('ours', file, threads, vocab);
    lines.push(`  ${threads} thread${threads > 1 ? 's' : ' '}  sluice ${ours.s.toFixed(1).padStart(5)} s, peak ${ours.peakMB.toFixed(0).padStart(4)} MB  |  HF tokenizers 0.23.2 ${hf.s.toFixed(1).padStart(5)} s, peak ${hf.peakMB.toFixed(0).padStart(4)} MB  |  speed ratio ${(hf.s / ours.s).toFixed(2)}, memory ratio ${(ours.peakMB / hf.peakMB).toFixed(2)}`);
  }
  return lines.join('\n');
}
