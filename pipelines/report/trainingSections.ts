// The training sections of the run report: loss against steps and tokens (train, validation, the unigram
// baseline), learning rate, gradient norm, throughput, the samples written during training and the config.
import { HALF, linesSpec, render } from './charts.js';
import type { TrainingFacts } from './facts.js';
import { esc, fig, figure, grid, int, table } from './html.js';
import type { Section } from './pipelineSections.js';

export async function trainingSections(t: TrainingFacts): Promise<Section[]> {
  const out: Section[] = [];
  const last = t.train.at(-1);
  const lastEval = t.evals.at(-1);
  const rules = t.baseline ? [{ y: t.baseline.unigramLoss, label: `unigram baseline ${t.baseline.unigramLoss.toFixed(3)}` }] : [];
  const lossBy = (x: 'step' | 'tokensSeen') => {
    const seen = new Map(t.train.map((p) => [p.step, p.tokensSeen]));
    return [
      ...t.train.map((p) => ({ x: p[x], y: p.loss, series: 'train' })),
      ...t.evals.map((e) => ({ x: x === 'step' ? e.step : seen.get(e.step) ?? NaN, y: e.valLoss, series: 'validation' })).filter((p) => Number.isFinite(p.x)),
    ];
  };
  const charts: [string, Parameters<typeof linesSpec>[0], Parameters<typeof linesSpec>[1]][] = [
    ['loss by step', lossBy('step'), { x: 'step', y: 'loss (nats/token)', rules }],
    ['loss by tokens', lossBy('tokensSeen'), { x: 'training tokens seen', y: 'loss (nats/token)', rules }],
    ['learning rate', t.train.map((p) => ({ x: p.step, y: p.lr, series: 'lr' })), { x: 'step', y: 'learning rate', width: HALF }],
    ['gradient norm', t.train.map((p) => ({ x: p.step, y: p.gradNorm, series: 'grad norm' })), { x: 'step', y: 'gradient norm', width: HALF }],
    ['tokens per second', t.train.map((p) => ({ x: p.step, y: p.tokensPerSec, series: 'tokens/s' })), { x: 'step', y: 'tokens/s', width: HALF }],
  ];
  let html =
    `<p class="meta">${last ? `Step ${fig('train.last.step', last.step)}: train loss ${fig('train.last.loss', last.loss, last.loss.toFixed(4))}, ${int(last.tokensSeen)} tokens in ${last.elapsedSec.toFixed(0)} s.` : 'No training steps logged yet.'}` +
    (lastEval ? ` Validation loss ${fig('eval.last.valLoss', lastEval.valLoss, lastEval.valLoss.toFixed(4))} (perplexity ${lastEval.valPerplexity.toFixed(2)}) at step ${lastEval.step}.` : '') +
    (t.baseline ? ` Unigram baseline: loss ${fig('baseline.unigramLoss', t.baseline.unigramLoss, t.baseline.unigramLoss.toFixed(4))} (perplexity ${t.baseline.unigramPerplexity.toFixed(2)}) on the same ${int(t.baseline.tokens)} validation tokens.` : '') +
    '</p>';
  let n = 0;
  if (t.train.length) {
    const half: string[] = [];
    for (const [title, points, o] of charts) {
      const f = figure(await render(linesSpec(points, o), title), esc(title[0].toUpperCase() + title.slice(1)) + '.');
      if (o.width) half.push(f);
      else html += f;
      n++;
    }
    html += grid(half);
  }
  if (t.evals.length) html += table(['step', 'validation loss', 'perplexity', 'tokens'], t.evals.map((e) => [String(e.step), fig(`eval.${e.step}.valLoss`, e.valLoss, e.valLoss.toFixed(4)), e.valPerplexity.toFixed(2), int(e.tokens)]));
  out.push({ id: 'training', title: 'Training', html, charts: n });
  if (t.samples.length) {
    out.push({ id: 'samples', title: 'Samples', charts: 0, html: t.samples.map((s) => `<h3>step ${s.step}</h3><pre class="sample">${esc(s.text)}</pre>`).join('') });
  }
  if (t.config || t.model) {
    const rows = (o: Record<string, unknown> | null, p: string) => Object.entries(o ?? {}).map(([k, v]) => [`<code>${esc(p + k)}</code>`, `<code>${esc(JSON.stringify(v))}</code>`]);
    out.push({ id: 'config', title: 'Config', charts: 0, html: table(['key', 'value'], [...rows(t.model, 'model.'), ...rows(t.config, '')]) });
  }
  return out;
}
