// HTML pieces of the run report: escaping, figures that carry the number they show (data-k: where it comes
// from, data-v: the value, so a test can compare the page with the run's files), tables and the page frame.
export const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const mb = (bytes: number): string => (bytes / 1e6).toFixed(bytes >= 1e8 ? 0 : 1);
export const pct = (x: number): string => `${(100 * x).toFixed(x > 0 && x < 0.001 ? 2 : 1)}%`;

/** A figure: the text shown, and the exact value with the key of its source for the report test. */
export function fig(key: string, value: number, text = int(value)): string {
  return `<span data-k="${esc(key)}" data-v="${value}">${esc(text)}</span>`;
}

/** A table: header cells, then rows of cells already escaped (figures or esc()'d text). */
export function table(head: string[], rows: string[][], cls = ''): string {
  // A column is right-aligned (numbers) unless its first cell holds code, a list or words.
  const numeric = head.map((_, i) => i > 0 && !/^(<code|<ul|[A-Za-z(])/.test(rows[0]?.[i] ?? ''));
  const th = head.map((h, i) => `<th${numeric[i] ? ' class="n"' : ''}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Rows past the first `shown` folded into a <details> (no script): long tables stay one click away. */
export function longTable(head: string[], rows: string[][], shown: number, what: string): string {
  if (rows.length <= shown) return table(head, rows);
  return `${table(head, rows.slice(0, shown))}<details><summary>${esc(`${rows.length - shown} more ${what}`)}</summary>${table(head, rows.slice(shown))}</details>`;
}

/** Figures side by side, two to a row where the window is wide enough. */
export const grid = (figures: string[]): string => `<div class="grid">${figures.join('')}</div>`;

export function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${caption}</figcaption></figure>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;margin:0 auto;max-width:980px;padding:0 24px 48px}
h1{font-size:22px;margin:24px 0 4px}h2{font-size:18px;margin:36px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:22px 0 6px}nav{margin:8px 0 16px;font-size:13px}nav a{margin-right:12px;color:#3b6ea8}
p.meta{color:#555;margin:2px 0}table{border-collapse:collapse;margin:8px 0 12px;font-size:13px}
th,td{padding:3px 10px 3px 0;text-align:left;vertical-align:top;border-bottom:1px solid #eee}th{font-weight:600;border-bottom:1px solid #bbb}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f5f5f5;padding:0 3px;word-break:break-all}
figure{margin:8px 0 18px}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:0 16px}details{margin:0 0 12px}summary{cursor:pointer;color:#3b6ea8;font-size:13px}figcaption{color:#555;font-size:12px;margin-top:2px}svg.chart{display:block;max-width:100%;height:auto}
td:first-child code{white-space:nowrap;word-break:normal}ul.ex{margin:0;padding-left:16px;font-size:12px;color:#444}ul.ex li{margin:1px 0}.note{color:#8a5a00;font-size:13px}
pre.sample{white-space:pre-wrap;background:#f7f7f7;padding:8px;font-size:12px;margin:4px 0 10px}
`;

export function page(title: string, nav: [string, string][], body: string, charts: number): string {
  const links = nav.map(([id, label]) => `<a href="#${id}">${esc(label)}</a>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body data-charts="${charts}">
<h1>${esc(title)}</h1>
<nav>${links}</nav>
${body}
</body></html>
`;
}
