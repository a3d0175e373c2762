// What every corpus-wide runner (dedup, artifact, shards) does around its own work: one step reading the upstream
// step's parts, its folder prepared first, its manifest written last, one stats row.
import type { StoredCounters } from '../../datasets/counters.js';
import { stageOfKind } from '../../stages/index.js';
import type { Stage, StageKind } from '../../stages/stage.js';
import { emptyInput, type FileEntry, type PartEntry, type PartRecord } from '../manifest.js';
import type { StepPlan, StepSource } from '../plan.js';
import { prepareStepFolder, statsRow, writeStepManifest, type FolderLayout } from '../stepFolder.js';
import type { RunContext, StepRunner } from './runner.js';

export interface CorpusWideResult {
  parts: PartEntry[];
  totals: StoredCounters;
  /** What the reduce found or learned: in the manifest and the stats table. */
  reduce: Record<string, number>;
  /** Every file the step wrote besides its parts, with checksums: a later run verifies them before reusing the step. */
  files: FileEntry[];
}

type CorpusWideKind = Exclude<StageKind, 'document'>;

/** A runner for one kind of corpus-wide stage; `body` gets the stage, the step, its source and the parts already complete. */
export function corpusWideRunner<K extends CorpusWideKind>(
  kind: K,
  layout: FolderLayout,
  body: (ctx: RunContext, stage: Extract<Stage, { kind: K }>, step: StepPlan, source: StepSource, complete: Map<number, PartRecord>) => Promise<CorpusWideResult>,
): StepRunner {
  return {
    fuses: false,
    partTasks: false,
    readsInput: false,
    layout,
    async run(ctx, segment, from) {
      const t0 = Date.now();
      const step = segment[0];
      const source = from as StepSource;
      const complete = await prepareStepFolder(step, ctx.force, layout);
      const done = await body(ctx, stageOfKind(step.stage, kind)!, step, source, complete);
      await writeStepManifest(ctx.pipeline.name, step, source.step.dir, done.parts, done.totals, { files: done.files, reduce: done.reduce });
      return { steps: [statsRow(step, done.totals, t0, 0, done.reduce)], input: emptyInput() };
    },
  };
}
