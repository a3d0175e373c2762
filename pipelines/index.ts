// The package's public entry (`import { definePipeline } from 'sluice'`): what a pipeline file or a stage module
// outside this repository needs, and nothing that loads a stage's dependencies.
export { definePipeline, type PipelineInput, type StepInput } from './define.js';
export {
  defineStage, defineDedupStage, defineArtifactStage, defineShardStage,
  type DocStage, type DedupStage, type ArtifactStage, type ShardStage, type Stage, type StageOutput,
  type KeyColumns, type EncodedBatch, type CountContext, type EarlierStep, type ExternalFile, type ShardTokenizer,
} from '../stages/stage.js';
export type { Doc, Meta, MetaValue } from '../datasets/doc.js';
