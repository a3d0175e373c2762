// The end-of-run table: one row per step plus the reader, dropped documents by reason.
import type { RunStats } from './plan.js';

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function reasons(r: Record<string, number>): string {
  const entries = Object.entries(r).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ') : '-';
}

function pad(cells: string[][]): string {
  const widths = cells[0].map((_c, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** Documents and bytes per language: where languages were first told (lang-detect) and at the last step that counted them. */
export function formatLanguages(s: RunStats, max = 20): string | null {
  const counted = s.steps.filter((st) => Object.keys(st.extra ?? {}).some((k) => k.startsWith('docs-by-lang.')));
  if (counted.length === 0) return null;
  const of = (st: (typeof counted)[number], what: 'docs' | 'bytes') =>
    new Map(Object.entries(st.extra).filter(([k]) => k.startsWith(`${what}-by-lang.`)).map(([k, v]) => [k.slice(what.length + 9), v]));
  const first = counted[0];
  const last = counted[counted.length - 1];
  const [inDocs, outDocs, outBytes] = [of(first, 'docs'), of(last, 'docs'), of(last, 'bytes')];
  if (inDocs.size < 2) return null;
  const total = [...outBytes.values()].reduce((a, b) => a + b, 0) || 1;
  const langs = [...inDocs.keys()].sort((a, b) => (outBytes.get(b) ?? 0) - (outBytes.get(a) ?? 0) || (inDocs.get(b) ?? 0) - (inDocs.get(a) ?? 0) || (a < b ? -1 : 1));
  const rows = [['language', `docs after ${first.dir}`, `docs after ${last.dir}`, 'MB', 'share']];
  for (const l of langs.slice(0, max)) rows.push([l, (inDocs.get(l) ?? 0).toLocaleString('en-US'), (outDocs.get(l) ?? 0).toLocaleString('en-US'), mb(outBytes.get(l) ?? 0), `${((100 * (outBytes.get(l) ?? 0)) / total).toFixed(1)}%`]);
  const rest = langs.length - max;
  return `${pad(rows)}${rest > 0 ? `\n(${rest} more languages in stats.json)` : ''}`;
}

export function formatStats(s: RunStats): string {
  const rows: string[][] = [['step', 'docs in', 'docs out', 'MB in', 'MB out', 'wall s', 'docs/s', 'dropped (reason count)']];
  const inp = s.input;
  const bad = Object.values(inp.bad).reduce((a, b) => a + b, 0);
  const skipped = Object.values(inp.skipped).reduce((a, b) => a + b, 0);
  if (inp.docs + bad + skipped > 0) {
    const notes = [bad ? `bad input: ${reasons(inp.bad)}` : '', skipped ? `not documents: ${reasons(inp.skipped)}` : ''].filter(Boolean).join('; ');
    rows.push(['read', (inp.docs + bad + skipped).toLocaleString('en-US'), inp.docs.toLocaleString('en-US'), '', mb(inp.bytes), '', '', notes || '-']);
  }
  for (const st of s.steps) {
    const secs = st.wallMs / 1000;
    rows.push([
      st.reused ? `${st.dir} (reused)` : st.dir,
      st.docsIn.toLocaleString('en-US'),
      st.docsOut.toLocaleString('en-US'),
      mb(st.bytesIn),
      mb(st.bytesOut),
      st.reused ? '-' : secs.toFixed(1),
      st.reused || secs === 0 ? '-' : Math.round(st.docsIn / secs).toLocaleString('en-US'),
      reasons(st.dropped) + (st.reduce ? ` (${Object.entries(st.reduce).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')})` : ''),
    ]);
  }
  const langs = formatLanguages(s);
  return `${pad(rows)}${langs ? `\n\n${langs}` : ''}\n\n${s.pipeline}: ${(s.wallMs / 1000).toFixed(1)} s on ${s.threads} thread(s), peak RSS ${mb(s.peakRssBytes)} MB, output in ${s.out}`;
}
