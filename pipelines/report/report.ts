// `sluice report <run>`: writes <run>/report.html, one self-contained page (styles and SVG charts inline, no
// script, nothing fetched) for a pipeline run, a training run, or a training run and the corpus run it read.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../datasets/atomicFile.js';
import { UserError } from '../../datasets/errors.js';
import { page } from './html.js';
import { pipelineFacts, type SampleLimits } from './pipelineFacts.js';
import { pipelineSections, type Section } from './pipelineSections.js';
import { isTrainingRun, trainingFacts } from './trainingFacts.js';
import { trainingSections } from './trainingSections.js';

export interface ReportResult {
  path: string;
  bytes: number;
  ms: number;
  charts: number;
}

export const DEFAULT_LIMITS: SampleLimits = { parts: 16, examples: 3 };

export async function writeReport(dir: string, o: { out?: string; limits?: SampleLimits } = {}): Promise<ReportResult> {
  const t0 = performance.now();
  const run = resolve(dir);
  const limits = o.limits ?? DEFAULT_LIMITS;
  const sections: Section[] = [];
  let title: string;
  if (isTrainingRun(run)) {
    const t = await trainingFacts(run);
    sections.push(...(await trainingSections(t)));
    const corpus = t.pipelineRun ? join(run, t.pipelineRun) : null;
    title = `sluice report: training run ${basename(run)}`;
    if (corpus && existsSync(join(corpus, 'run.json'))) {
      const p = await pipelineFacts(corpus, limits);
      sections.push(...(await pipelineSections(p)).map((s) => ({ ...s, title: `Corpus: ${s.title}` })));
      title += ` on ${p.pipeline} (${t.pipelineRun})`;
    }
  } else if (existsSync(join(run, 'run.json'))) {
    const p = await pipelineFacts(run, limits);
    sections.push(...(await pipelineSections(p)));
    title = `sluice report: ${p.pipeline} (${basename(run)})`;
  } else {
    throw new UserError(`${dir}: neither a pipeline run (run.json) nor a training run (metrics.jsonl, train.json); point at the folder \`sluice run\` or \`sluice train\` wrote, e.g. out/corpus`);
  }
  const charts = sections.reduce((n, s) => n + s.charts, 0);
  const body = sections.map((s) => `<section id="${s.id}"><h2>${s.title}</h2>\n${s.html}\n</section>`).join('\n');
  const html = page(title, sections.map((s) => [s.id, s.title]), body, charts);
  const path = o.out ? resolve(o.out) : join(run, 'report.html');
  await writeFileAtomic(path, html);
  return { path, bytes: Buffer.byteLength(html), ms: performance.now() - t0, charts };
}
