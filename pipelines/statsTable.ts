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
  return `${pad(rows)}\n\n${s.pipeline}: ${(s.wallMs / 1000).toFixed(1)} s on ${s.threads} thread(s), peak RSS ${mb(s.peakRssBytes)} MB, output in ${s.out}`;
}
