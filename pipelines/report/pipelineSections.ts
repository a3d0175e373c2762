// The pipeline sections of the run report: funnel, drops with examples, languages, quality scores with their
// thresholds, dedup clusters, tokenizer, shards, time per step.
import { barsSpec, HALF, histogramSpec, render } from './charts.js';
import type { PipelineFacts } from './facts.js';
import { esc, fig, figure, grid, int, longTable, mb, pct, table } from './html.js';

export interface Section {
  id: string;
  title: string;
  html: string;
  charts: number;
}

const MAX_REASONS = 12;
const MAX_LANGS = 20;

export async function pipelineSections(f: PipelineFacts): Promise<Section[]> {
  const out: Section[] = [];
  const steps = f.steps;
  const last = steps.at(-1);

  // Funnel
  {
    const rows = steps.map((s) => [
      `<code>${esc(s.dir)}</code>${s.reused ? ' (reused)' : ''}`,
      fig(`step.${s.dir}.docsIn`, s.docsIn),
      fig(`step.${s.dir}.docsOut`, s.docsOut),
      s.docsIn ? pct(s.docsOut / s.docsIn) : '-',
      fig(`step.${s.dir}.bytesIn`, s.bytesIn, mb(s.bytesIn)),
      fig(`step.${s.dir}.bytesOut`, s.bytesOut, mb(s.bytesOut)),
    ]);
    const docs = await render(barsSpec([{ label: 'input', value: f.input.docs }, ...steps.map((s) => ({ label: s.dir, value: s.docsOut }))], { x: 'documents after the step', width: HALF }), 'documents per step');
    const bytes = await render(barsSpec([{ label: 'input', value: f.input.bytes / 1e6 }, ...steps.map((s) => ({ label: s.dir, value: s.bytesOut / 1e6 }))], { x: 'MB of text after the step', width: HALF }), 'MB per step');
    const bad = Object.entries(f.input.bad).map(([k, v]) => `${esc(k)} ${fig(`input.bad.${k}`, v)}`).join(', ');
    out.push({
      id: 'funnel',
      title: 'Funnel',
      charts: 2,
      html:
        `<p class="meta">Input: ${fig('input.docs', f.input.docs)} documents, ${fig('input.bytes', f.input.bytes, mb(f.input.bytes))} MB in ${int(f.parts)} parts${bad ? `; unreadable records: ${bad}` : ''}.` +
        (last ? ` Kept: ${fig('final.docs', last.docsOut)} documents (${f.input.docs ? pct(last.docsOut / f.input.docs) : '-'}), ${mb(last.bytesOut)} MB.</p>` : '</p>') +
        table(['step', 'docs in', 'docs out', 'kept', 'MB in', 'MB out'], rows) +
        grid([figure(docs, 'Documents left after each step.'), figure(bytes, 'MB of UTF-8 text left after each step.')]),
    });
  }

  // Drops
  if (f.drops.length) {
    let html = '<p class="meta">Every document a step dropped is in its <code>rejected/</code> folder with its reason. Largest first; examples are the first documents found in a few evenly spaced rejected files.</p>';
    let charts = 0;
    for (const s of steps) {
      const reasons = f.drops.filter((d) => d.dir === s.dir);
      if (!reasons.length) continue;
      const shown = reasons.slice(0, MAX_REASONS);
      const chart = await render(barsSpec(shown.map((d) => ({ label: d.reason, value: d.count })), { x: 'documents dropped' }), `drop reasons of ${s.dir}`);
      charts++;
      const rows = reasons.map((d) => [
        `<code>${esc(d.reason)}</code>`,
        fig(`drop.${s.dir}.${d.reason}`, d.count),
        pct(d.share),
        d.examples.length ? `<ul class="ex">${d.examples.map((e) => `<li><code>${esc(e.id)}</code> ${esc(e.firstLine || '(empty)')}</li>`).join('')}</ul>` : '',
      ]);
      html += `<h3><code>${esc(s.dir)}</code>: ${int(s.docsIn - s.docsOut)} dropped of ${int(s.docsIn)}</h3>${figure(chart, reasons.length > MAX_REASONS ? `The ${MAX_REASONS} largest of ${reasons.length} reasons.` : 'Documents dropped, by reason.')}${table(['reason', 'documents', 'of step input', 'examples (id, first line)'], rows, 'drops')}`;
    }
    out.push({ id: 'drops', title: 'Drop reasons', html, charts });
  }

  // Languages
  if (f.languages.length) {
    const top = f.languages.slice(0, MAX_LANGS);
    const chart = await render(
      barsSpec(top.flatMap((l) => [{ label: l.lang, value: l.detected, series: 'detected' }, { label: l.lang, value: l.final, series: 'in the output' }]), { x: 'documents', log: true }),
      'documents per language',
    );
    const rows = f.languages.map((l) => [`<code>${esc(l.lang)}</code>`, fig(`lang.${l.lang}.detected`, l.detected), fig(`lang.${l.lang}.kept`, l.kept), fig(`lang.${l.lang}.final`, l.final), fig(`lang.${l.lang}.finalBytes`, l.finalBytes, mb(l.finalBytes))]);
    out.push({
      id: 'languages',
      title: 'Languages',
      charts: 1,
      html: figure(chart, `Documents per language as detected and in the final output (log scale; ${top.length} of ${f.languages.length} languages).`) + longTable(['language', 'detected', 'kept by lang-detect', 'in the output', 'MB out'], rows, MAX_LANGS, 'languages'),
    });
  }

  // Quality scores
  if (f.scores?.facts.length) {
    let html = `<p class="meta">Scores of ${int(f.scores.facts[0].sampled)} documents from ${f.scores.sampledParts} part files of <code>${esc(f.scores.dir)}</code> (the quality step's input), with the quality step's thresholds${f.scores.perLanguage ? ' (the English ones: other languages are judged by their FineWeb-2 thresholds)' : ''}. "Dropped" counts the documents this rule dropped first; "beyond" is the share of the sample past the threshold, whatever rule dropped them.</p>`;
    const figs: string[] = [];
    for (const s of f.scores.facts) {
      const rules = s.thresholds.map((t) => ({ value: t.value, label: `${t.bound} ${t.value}` }));
      const svg = await render(histogramSpec(s.bins, { x: s.label, scale: s.scale, rules, width: HALF }), s.score);
      const cap = s.thresholds.length
        ? s.thresholds.map((t) => `<code>${esc(t.option)}</code> ${t.value} (<code>${esc(t.reason)}</code>): dropped ${fig(`quality.${t.reason}`, t.dropped)}, beyond ${pct(t.beyond)}`).join('; ')
        : 'no threshold on this score';
      figs.push(`<div><h3><code>${esc(s.score)}</code></h3>${figure(svg, cap)}</div>`);
    }
    html += grid(figs);
    out.push({ id: 'scores', title: 'Quality scores', html, charts: f.scores.facts.length });
  }

  // Dedup
  if (f.dedup.length) {
    let html = '';
    for (const d of f.dedup) {
      const svg = await render(barsSpec(d.sizes.slice(0, 30).map((s) => ({ label: String(s.size), value: s.clusters })), { x: 'clusters of this many documents', log: true }), `cluster sizes of ${d.dir}`);
      const rows = d.largest.map((c) => [`<code>${esc(c.keptId)}</code>`, int(c.size), esc(c.firstLine)]);
      html +=
        `<h3><code>${esc(d.dir)}</code></h3><p class="meta">${fig(`dedup.${d.dir}.docs`, d.docs)} documents, ${fig(`dedup.${d.dir}.clusters`, d.clusters)} clusters of 2 or more, ${fig(`dedup.${d.dir}.duplicates`, d.duplicates)} duplicates dropped (each cluster keeps its first document).</p>` +
        figure(svg, 'Clusters by size (documents in the cluster, the kept one included; log scale).') +
        (rows.length ? `<p class="meta">Largest clusters:</p>${table(['kept document', 'size', 'its first line'], rows)}` : '');
    }
    out.push({ id: 'dedup', title: 'Dedup', html, charts: f.dedup.length });
  }

  // Tokenizer and shards
  if (f.tokenizer || f.shards) {
    let html = '';
    let charts = 0;
    const t = f.tokenizer;
    if (t) {
      html +=
        `<h3>Tokenizer (<code>${esc(t.dir)}</code>)</h3>` +
        table(['', ''], [
          ['vocabulary', fig('tokenizer.vocabSize', t.vocabSize)],
          ['merges', fig('tokenizer.merges', t.merges)],
          ['special tokens', esc(t.specialTokens.join(' '))],
          ['trained on', `${mb(t.trainBytes)} MB, ${int(t.trainTokens)} tokens (${t.trainTokens ? (t.trainBytes / t.trainTokens).toFixed(2) : '-'} bytes/token)`],
          ['validation split', t.val ? `${(t.val.bytes / Math.max(1, t.val.tokens)).toFixed(2)} bytes/token over ${int(t.val.docs)} documents, ${int(t.val.tokens)} tokens` : 'no validation shards'],
        ]) +
        `<p class="meta">Longest tokens:</p>${table(['id', 'bytes', 'text'], t.longest.map((l) => [String(l.id), String(l.bytes), `<code>${esc(JSON.stringify(l.text))}</code>`]))}`;
    }
    const s = f.shards;
    if (s) {
      const svg = s.lengths.length ? await render(histogramSpec(s.lengths, { x: 'tokens per document', scale: 'symlog', rules: [] }), 'tokens per document') : '';
      if (svg) charts++;
      html +=
        `<h3>Shards (<code>${esc(s.dir)}</code>)</h3>` +
        table(['split', 'documents', 'tokens', 'shards'], (['train', 'val'] as const).map((k) => [k, fig(`shards.${k}.docs`, s.totals[k].docs), fig(`shards.${k}.tokens`, s.totals[k].tokens), fig(`shards.${k}.shards`, s.totals[k].shards)])) +
        (svg ? figure(svg, `Tokens per document (${int(s.sampledDocs)} documents read; log scale).`) : '');
    }
    out.push({ id: 'tokens', title: 'Tokenizer and shards', html, charts });
  }

  // Time per step
  if (steps.some((s) => s.wallMs > 0)) {
    const svg = await render(barsSpec(steps.map((s) => ({ label: s.dir, value: s.wallMs / 1000 })), { x: 'wall seconds' }), 'wall time per step');
    const rows = steps.map((s) => [`<code>${esc(s.dir)}</code>`, fig(`step.${s.dir}.wallMs`, s.wallMs, (s.wallMs / 1000).toFixed(1)), s.wallMs ? int(s.docsIn / (s.wallMs / 1000)) : '-']);
    out.push({
      id: 'time',
      title: 'Time per step',
      charts: 1,
      html:
        `<p class="meta">${(f.wallMs / 1000).toFixed(1)} s on ${f.threads} thread(s), peak RSS ${mb(f.peakRssBytes)} MB. Per-document steps run fused in one pass over each batch, so they share one wall time.</p>` +
        figure(svg, 'Wall seconds per step.') +
        table(['step', 'wall s', 'docs/s'], rows),
    });
  }
  if (f.notes.length) out.push({ id: 'notes', title: 'Left out', html: `<ul>${f.notes.map((n) => `<li class="note">${esc(n)}</li>`).join('')}</ul>`, charts: 0 });
  return out;
}
