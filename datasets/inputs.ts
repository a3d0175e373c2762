// Turns the input spec (paths, globs, folders) into an ordered list of parts: the unit of work and of resume.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UserError } from './errors.js';
import { FORMATS, type Format, type InputFile } from './readerTypes.js';

export interface InputSpec {
  format: Format | 'auto';
  paths: string[];
  textField: string;
  idField?: string;
  maxDocBytes: number;
  /** Target input bytes per part; large plain JSONL files are split at line boundaries. */
  partBytes: number;
  /** At most this many small files (emails, .txt, .html) per part. */
  partFiles: number;
}

export interface Part {
  index: number;
  format: Format;
  files: InputFile[];
  bytes: number;
}

const EXTENSIONS: [RegExp, Format][] = [
  [/\.(jsonl|ndjson|json)(\.gz)?$/i, 'jsonl'],
  [/\.parquet$/i, 'parquet'],
  [/\.warc(\.gz)?$/i, 'warc'],
  [/\.(eml|email)$/i, 'email'],
  [/\.(txt|text|md)$/i, 'text'],
  [/\.(html|htm|xhtml)$/i, 'html'],
];

export function detectFormat(path: string): Format | undefined {
  return EXTENSIONS.find(([re]) => re.test(path))?.[1];
}

/** The name a document's id and `source` use: relative to the working directory when inside it. */
export function sourceName(absPath: string, cwd: string): string {
  const rel = relative(cwd, absPath);
  const name = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absPath;
  return name.split(sep).join('/');
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

/** Every file the paths name, in a stable order: paths in the order given, globs and folders sorted. */
export async function expandPaths(paths: string[], cwd: string): Promise<string[]> {
  if (paths.length === 0) throw new UserError('input: no paths given; set input.paths in the pipeline or pass --input');
  const seen = new Set<string>();
  const files: string[] = [];
  const add = (f: string): void => {
    if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  };
  for (const p of paths) {
    if (isDynamicPattern(p)) {
      const matches = (await glob(p, { cwd, absolute: true, onlyFiles: true })).sort();
      if (matches.length === 0) throw new UserError(`input: no file matches "${p}" (relative to ${cwd}); check --input or input.paths`);
      matches.forEach(add);
      continue;
    }
    const abs = resolve(cwd, p);
    const st = await stat(abs).catch(() => undefined);
    if (!st) throw new UserError(`input: ${p} does not exist (relative to ${cwd}); check --input or input.paths`);
    if (st.isDirectory()) {
      const inside = await walk(abs);
      if (inside.length === 0) throw new UserError(`input: folder ${p} has no files`);
      inside.forEach(add);
    } else add(abs);
  }
  return files;
}

/** Line-aligned byte ranges of about `partBytes` each, with the first line number of each range. */
async function splitAtLines(path: string, size: number, partBytes: number): Promise<{ start: number; end: number; firstLine: number }[]> {
  const ranges: { start: number; end: number; firstLine: number }[] = [];
  let start = 0;
  let firstLine = 1;
  let lines = 0;
  let pos = 0;
  let target = partBytes;
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) {
    let at = chunk.indexOf(0x0a);
    while (at !== -1) {
      lines += 1;
      const cut = pos + at + 1;
      if (cut >= target && cut < size) {
        ranges.push({ start, end: cut, firstLine });
        start = cut;
        firstLine = lines + 1;
        target = cut + partBytes;
      }
      at = chunk.indexOf(0x0a, at + 1);
    }
    pos += chunk.length;
  }
  ranges.push({ start, end: size, firstLine });
  return ranges;
}

/**
 * Plans the parts of an input. Deterministic: the same files and options give the same parts. Files under
 * `exclude` (the run's own output folder, when the input folder holds it) are never input.
 */
export async function planParts(spec: InputSpec, cwd: string, exclude?: string): Promise<Part[]> {
  const files = (await expandPaths(spec.paths, cwd)).filter((f) => !exclude || !f.startsWith(exclude + sep));
  const parts: Part[] = [];
  let group: Part | undefined;
  const push = (format: Format, f: InputFile[]): void => {
    parts.push({ index: parts.length, format, files: f, bytes: f.reduce((n, x) => n + (x.range ? x.range.end - x.range.start : x.bytes), 0) });
  };
  for (const abs of files) {
    const source = sourceName(abs, cwd);
    const format = spec.format === 'auto' ? detectFormat(abs) : spec.format;
    if (!format) {
      throw new UserError(`input: cannot tell the format of ${source} from its name; set input.format to one of ${FORMATS.join(', ')} (or --format)`);
    }
    const bytes = (await stat(abs)).size;
    const file: InputFile = { path: abs, source, bytes };
    if (format === 'email' || format === 'text' || format === 'html') {
      if (group && group.format === format && group.bytes + bytes <= spec.partBytes && group.files.length < spec.partFiles) {
        group.files.push(file);
        group.bytes += bytes;
        continue;
      }
      push(format, [file]);
      group = parts[parts.length - 1];
      continue;
    }
    group = undefined;
    if (format === 'jsonl' && !abs.endsWith('.gz') && bytes > spec.partBytes) {
      for (const range of await splitAtLines(abs, bytes, spec.partBytes)) push(format, [{ ...file, range }]);
    } else push(format, [file]);
  }
  return parts;
}
