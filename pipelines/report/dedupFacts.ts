// Dedup steps: the cluster-size distribution from clusters.bin (for each document, the index of the one kept
// for its cluster) and the largest clusters with their kept document, read from the step's input parts.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageManifest } from '../manifest.js';
import type { ClusterFacts, DedupFacts } from './facts.js';
import { eachRow, firstLine } from './sampling.js';

const LARGEST = 8;

export async function dedupFacts(run: string, steps: { dir: string; stage: string }[], manifests: Map<string, StageManifest>, notes: string[]): Promise<DedupFacts[]> {
  const out: DedupFacts[] = [];
  for (const s of steps) {
    const record = join(run, s.dir, 'clusters.json');
    if (!existsSync(record)) continue;
    const m = manifests.get(s.dir);
    const rec = JSON.parse(await readFile(record, 'utf8')) as { file: string; rows: number; clusters: number; duplicates: number };
    const buf = await readFile(join(run, s.dir, rec.file));
    if (buf.byteLength !== rec.rows * 4) {
      notes.push(`${s.dir}: ${rec.file} has ${buf.byteLength} bytes, not ${rec.rows * 4}: cluster sizes left out`);
      continue;
    }
    const rep = new Int32Array(buf.buffer, buf.byteOffset, rec.rows);
    const size = new Map<number, number>();
    for (let i = 0; i < rep.length; i++) if (rep[i] !== i) size.set(rep[i], (size.get(rep[i]) ?? 1) + 1);
    const bySize = new Map<number, number>();
    for (const n of size.values()) bySize.set(n, (bySize.get(n) ?? 0) + 1);
    const top = [...size].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, LARGEST);
    const upstream = m ? manifests.get(m.upstream.dir) : undefined;
    out.push({
      dir: s.dir,
      stage: s.stage,
      docs: rec.rows,
      clusters: rec.clusters,
      duplicates: rec.duplicates,
      sizes: [...bySize].map(([n, clusters]) => ({ size: n, clusters })).sort((a, b) => a.size - b.size),
      largest: upstream ? await keptDocs(run, upstream, top) : [],
    });
  }
  return out;
}

/** The kept document of each cluster: global row `root` of the step's input, found by the parts' row counts. */
async function keptDocs(run: string, upstream: StageManifest, top: [number, number][]): Promise<ClusterFacts[]> {
  const found = new Map<number, { id: string; firstLine: string }>();
  let base = 0;
  for (const p of upstream.parts) {
    const rows = p.output.rows;
    const wanted = new Set(top.map(([root]) => root).filter((r) => r >= base && r < base + rows));
    if (wanted.size > 0) {
      let i = base;
      await eachRow(join(run, upstream.dir, p.output.file), ['id', 'text'], (r) => {
        if (wanted.has(i)) found.set(i, { id: String(r.id), firstLine: firstLine(r.text) });
        return ++i < base + rows && found.size < top.length;
      });
    }
    base += rows;
    if (found.size === top.length) break;
  }
  return top.map(([root, n]) => ({ size: n, keptId: found.get(root)?.id ?? `#${root}`, firstLine: found.get(root)?.firstLine ?? '' }));
}
