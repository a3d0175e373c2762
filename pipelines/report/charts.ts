// Charts of the run report: Vega-Lite specs rendered to static SVG when the report is written (vega's headless
// SVG renderer, no canvas, no DOM), so the page holds no script and no data to load: it opens at once, offline,
// and the same run gives the same page. vega is loaded only by `sluice report`.
import type { Bin } from './facts.js';

type Spec = Record<string, unknown>;
type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');

let libs: Promise<[Vega, VegaLite]> | undefined;
const load = (): Promise<[Vega, VegaLite]> => (libs ??= Promise.all([import('vega'), import('vega-lite')]));

const WIDTH = 560;
const INK = '#3b6ea8';
const RULE = '#c0392b';
const CONFIG = {
  font: 'system-ui, -apple-system, Segoe UI, sans-serif',
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#eee', domainColor: '#999', tickColor: '#999' },
  legend: { labelFontSize: 10, titleFontSize: 11, orient: 'bottom' },
};

/** One chart as an SVG element (class "chart", titled for screen readers). */
export async function render(spec: Spec, title: string): Promise<string> {
  const [vega, vl] = await load();
  const compiled = vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...spec, config: CONFIG } as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.replace('<svg ', `<svg role="img" aria-label="${title.replace(/[<>&"]/g, '')}" `).replace('class="marks"', 'class="marks chart"');
  } finally {
    view.finalize();
  }
}

/** Horizontal bars, one per row, in the order given; `series` splits a row into side-by-side bars. */
export function barsSpec(rows: { label: string; value: number; series?: string }[], o: { x: string; height?: number; log?: boolean; width?: number }): Spec {
  const series = rows.some((r) => r.series !== undefined);
  const labels = [...new Set(rows.map((r) => r.label))];
  return {
    width: (o.width ?? WIDTH) - 180,
    height: o.height ?? Math.max(40, labels.length * (series ? 22 : 16)),
    data: { values: rows },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: labels, title: null, axis: { labelLimit: 170 } },
      x: { field: 'value', type: 'quantitative', title: o.x, ...(o.log ? { scale: { type: 'symlog' } } : {}) },
      ...(series ? { yOffset: { field: 'series', sort: [...new Set(rows.map((r) => r.series))] }, color: { field: 'series', type: 'nominal', title: null, sort: [...new Set(rows.map((r) => r.series))] } } : { color: { value: INK } }),
    },
  };
}

/** A histogram of pre-computed bins, with threshold lines labelled. */
export function histogramSpec(bins: Bin[], o: { x: string; scale: 'linear' | 'symlog'; rules: { value: number; label: string }[]; width?: number }): Spec {
  const domain = [Math.min(bins[0]?.x0 ?? 0, ...o.rules.map((r) => r.value)), Math.max(bins.at(-1)?.x1 ?? 1, ...o.rules.map((r) => r.value))];
  const scale = { type: o.scale, domain, nice: false };
  // A log axis labelled at 0 and the powers of ten (vega's symlog ticks leave most decades unlabelled).
  const axis = o.scale === 'symlog' ? { values: [0, ...Array.from({ length: 12 }, (_, i) => 10 ** i)].filter((v) => v >= domain[0] && v <= domain[1]), labelExpr: "format(datum.value, ',')" } : {};
  return {
    width: o.width ?? WIDTH,
    height: 130,
    layer: [
      { data: { values: bins }, mark: { type: 'bar', color: INK, binSpacing: 0 }, encoding: { x: { field: 'x0', type: 'quantitative', title: o.x, scale, axis }, x2: { field: 'x1' }, y: { field: 'count', type: 'quantitative', title: 'documents' }, y2: { datum: 0 } } },
      ...(o.rules.length
        ? [
            { data: { values: o.rules }, mark: { type: 'rule', color: RULE, strokeWidth: 1.5 }, encoding: { x: { field: 'value', type: 'quantitative', scale } } },
            { data: { values: o.rules }, mark: { type: 'text', color: RULE, align: 'left', dx: 3, dy: -2, baseline: 'top', fontSize: 10 }, encoding: { x: { field: 'value', type: 'quantitative', scale }, y: { value: 0 }, text: { field: 'label' } } },
          ]
        : []),
    ],
  };
}

/** Lines over x, one per series, with optional horizontal reference lines. */
export function linesSpec(points: { x: number; y: number; series: string }[], o: { x: string; y: string; rules?: { y: number; label: string }[]; logY?: boolean; width?: number }): Spec {
  const width = o.width ?? WIDTH;
  const names = [...new Set(points.map((p) => p.series))];
  const y = { field: 'y', type: 'quantitative', title: o.y, scale: { zero: false, ...(o.logY ? { type: 'log' } : {}) } };
  return {
    width,
    height: 170,
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', point: points.length <= 60, strokeWidth: 1.5 },
        encoding: { x: { field: 'x', type: 'quantitative', title: o.x }, y, color: { field: 'series', type: 'nominal', title: null, sort: names, legend: names.length > 1 ? {} : null } },
      },
      ...(o.rules?.length
        ? [
            { data: { values: o.rules }, mark: { type: 'rule', color: RULE, strokeDash: [4, 3] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
            { data: { values: o.rules }, mark: { type: 'text', color: RULE, align: 'right', dy: -6, fontSize: 10 }, encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: width }, text: { field: 'label' } } },
          ]
        : []),
    ],
  };
}

/** Width of a chart in a two-column grid. */
export const HALF = 400;
