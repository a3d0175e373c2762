// `make bench`: every benchmark, peers side by side, as ratios.
// BENCH=engine,parquet,html,lang,languages,cjk,quality,dedup,encode,train,loader,gpt,webgpu,pretrain,report picks some
// (pretrain compares PyTorch with the out/pretrain run of `make pretrain`, skipped without one); BENCH_ENGINE_MB sets the engine input size (default 1024).
import { availableParallelism } from 'node:os';
import { benchEncode, benchTrain } from './bpe.js';
import { benchGpt } from './gpt.js';
import { benchWebgpu } from './webgpu.js';
import { benchLoader } from './loader.js';
import { benchParquet } from './parquet.js';
import { benchPretrain } from './pretrainCompare.js';
import { benchReport } from './report.js';
import { benchAccuracy, benchClustering, benchSignatures } from './dedup.js';
import { benchEngine, formatEngine } from './engine.js';
import { benchCjkDedup } from './cjkDedup.js';
import { benchCjkTokenizer } from './cjkTokenizer.js';
import { derive as langThresholds } from './langThresholds.js';
import { benchSegmenter, benchUdhrFilters } from './languages.js';
import { benchHtmlEval } from './htmlEval.js';
import { benchHtml, benchLang, benchQuality } from './textStages.js';

const engineMB = Number(process.env.BENCH_ENGINE_MB ?? 1024);
const wanted = new Set((process.env.BENCH ?? 'engine,parquet,html,lang,languages,cjk,quality,dedup,encode,train,loader,gpt,webgpu,pretrain,report').split(','));
const machine = `${process.platform} ${process.arch}, node ${process.version}, ${availableParallelism()} cores`;
process.stdout.write(`sluice bench — ${new Date().toISOString().slice(0, 10)} — ${machine}\n\n`);
if (wanted.has('parquet')) process.stdout.write(`${await benchParquet()}\n\n`);
if (wanted.has('html')) process.stdout.write(`${await benchHtmlEval()}\n\n${await benchHtml()}\n\n`);
if (wanted.has('lang')) process.stdout.write(`${await benchLang()}\n\n`);
if (wanted.has('languages')) process.stdout.write(`${benchSegmenter()}\n\n${(await langThresholds()).report}\n\n${await benchUdhrFilters()}\n\n`);
if (wanted.has('cjk')) process.stdout.write(`${await benchCjkDedup()}\n\n${benchCjkTokenizer()}\n\n`);
if (wanted.has('quality')) process.stdout.write(`${await benchQuality()}\n\n`);
if (wanted.has('dedup')) process.stdout.write(`${await benchSignatures()}\n\n${benchClustering()}\n\n${await benchAccuracy()}\n\n`);
if (wanted.has('encode')) process.stdout.write(`${await benchEncode()}\n\n`);
if (wanted.has('train')) process.stdout.write(`${await benchTrain()}\n\n`);
if (wanted.has('loader')) process.stdout.write(`${await benchLoader()}\n\n`);
if (wanted.has('gpt')) process.stdout.write(`${await benchGpt()}\n\n`);
if (wanted.has('webgpu')) process.stdout.write(`${await benchWebgpu()}\n\n`);
if (wanted.has('pretrain')) process.stdout.write(`${await benchPretrain()}\n\n`);
if (wanted.has('report')) process.stdout.write(`${await benchReport()}\n\n`);
if (wanted.has('engine')) process.stdout.write(`${formatEngine(await benchEngine(engineMB * 1e6), engineMB)}\n\n`);
