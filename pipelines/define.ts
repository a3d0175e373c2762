// A pipeline definition is typed data: name, input, output folder, pipeline-wide settings, ordered steps. One schema validates it.
import { z } from 'zod';
import { FORMATS } from '../datasets/readerTypes.js';
import { DEFAULT_VALIDATION_FRACTION } from '../shards/split.js';
import type { STAGES, StageName } from '../stages/index.js';
import type { PipelineSetting } from '../stages/stage.js';

export const inputSchema = z
  .object({
    format: z.enum(['auto', ...FORMATS]).default('auto').describe('input format; auto = from each file name'),
    paths: z.array(z.string()).default([]).describe('files, folders or globs'),
    textField: z.string().default('text').describe('JSONL field / Parquet column with the text'),
    idField: z.string().optional().describe('field / column with a document id (default: file + line/record)'),
    maxDocBytes: z.number().int().positive().default(256 << 20).describe('records larger than this are rejected as too-large'),
    partBytes: z.number().int().positive().default(64 << 20).describe('input bytes per part (unit of work and resume)'),
    partFiles: z.number().int().positive().default(2000).describe('at most this many small files per part'),
  })
  .strict();

export const pipelineSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'letters, digits, ".", "_" or "-"'),
    description: z.string().optional(),
    input: inputSchema.default(inputSchema.parse({})),
    output: z.string().optional().describe('output folder (default out/<name>)'),
    batchDocs: z.number().int().positive().default(512).describe('documents per batch sent to a worker (every step kind)'),
    batchBytes: z.number().int().positive().default(8 << 20).describe('UTF-8 text bytes per batch sent to a worker (every step kind)'),
    validationFraction: z.number().min(0).max(0.5).default(DEFAULT_VALIDATION_FRACTION).describe('share of documents held out for validation (by id hash); every step that splits reads it'),
    stageModules: z.array(z.string()).default([]).describe('modules (paths relative to the definition) whose exported stages the steps may name'),
    steps: z.array(z.looseObject({ stage: z.string() })).min(1),
  })
  .strict();

type Stages = typeof STAGES;
type OptionsOf<K extends StageName> = Omit<z.input<Stages[K]['options']>, PipelineSetting>;
/** One step: the stage name plus that stage's options, checked by the compiler. */
export type StepInput = { [K in StageName]: { stage: K } & (string extends keyof OptionsOf<K> ? unknown : OptionsOf<K>) }[StageName];
export type PipelineInput = Omit<z.input<typeof pipelineSchema>, 'steps'> & { steps: StepInput[] };
export type Pipeline = z.output<typeof pipelineSchema>;

/** Identity at run time; at compile time a typo in a stage name or option is an error. */
export function definePipeline(def: PipelineInput): PipelineInput {
  return def;
}
