// `make bench`: every benchmark, peers side by side, as ratios. BENCH_ENGINE_MB sets the engine input size.
import { benchEngine, formatEngine } from './engine.js';

const engineMB = Number(process.env.BENCH_ENGINE_MB ?? 1024);
const machine = `${process.platform} ${process.arch}, node ${process.version}, ${(await import('node:os')).availableParallelism()} cores`;
process.stdout.write(`sluice bench — ${new Date().toISOString().slice(0, 10)} — ${machine}\n\n`);
const engine = await benchEngine(engineMB * 1e6);
process.stdout.write(`${formatEngine(engine, engineMB)}\n`);
