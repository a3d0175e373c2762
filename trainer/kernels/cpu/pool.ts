// The CPU kernel set's threads: the main thread and nth - 1 workers instantiate the same module over the same
// shared memory; a call writes the kernel's index and arguments to a shared control block, wakes the workers and
// runs share 0 itself; each thread computes its fixed share (tid of nth) and the caller waits for all. Workers
// spin briefly before sleeping, since kernels follow each other within microseconds during a step.
import { Worker } from 'node:worker_threads';

const GEN = 0;
const PENDING = 1;
const KERNEL = 2;
const NARGS = 3;
const QUIT = 4;
const FAILED = 5;
export const MAX_ARGS = 24;
export const SPIN = 20000;

export interface PoolInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctl: SharedArrayBuffer;
  args: SharedArrayBuffer;
  tid: number;
  nth: number;
  names: string[];
}

type Fn = (...a: number[]) => void;

export class Pool {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly fns: Fn[];
  private readonly index: Map<string, number>;
  private readonly workers: Worker[] = [];
  private error: string | null = null;

  private constructor(
    private readonly exports: Record<string, Fn>,
    readonly nth: number,
    private readonly ctlBuf: SharedArrayBuffer,
    private readonly argBuf: SharedArrayBuffer,
    readonly names: string[],
  ) {
    this.ctl = new Int32Array(ctlBuf);
    this.args = new Float64Array(argBuf);
    this.fns = names.map((n) => exports[n]);
    this.index = new Map(names.map((n, i) => [n, i]));
  }

  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, nth: number): Promise<Pool> {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const exports = instance.exports as unknown as Record<string, Fn>;
    const names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
    const pool = new Pool(exports, nth, new SharedArrayBuffer(64), new SharedArrayBuffer(8 * MAX_ARGS), names);
    const url = new URL('./worker.js', import.meta.url);
    await Promise.all(
      Array.from({ length: nth - 1 }, (_, i) => {
        const init: PoolInit = { module, memory, ctl: pool.ctlBuf, args: pool.argBuf, tid: i + 1, nth, names };
        const w = new Worker(url, { workerData: init, execArgv: process.execArgv });
        w.unref();
        pool.workers.push(w);
        w.on('message', (m: { error?: string }) => {
          if (m.error) pool.error = m.error;
        });
        return new Promise<void>((res, rej) => {
          w.once('message', () => res());
          w.once('error', rej);
        });
      }),
    );
    return pool;
  }

  /** Runs kernel `name` on every thread with these arguments (pointers and scalars) plus (tid, nth). */
  run(name: string, ...a: number[]): void {
    const k = this.index.get(name);
    if (k === undefined) throw new Error(`no kernel ${name} in the module`);
    const fn = this.fns[k];
    if (this.nth === 1) {
      fn(...a, 0, 1);
      return;
    }
    const ctl = this.ctl;
    for (let i = 0; i < a.length; i++) this.args[i] = a[i];
    ctl[KERNEL] = k;
    ctl[NARGS] = a.length;
    Atomics.store(ctl, PENDING, this.nth - 1);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    fn(...a, 0, this.nth);
    let spins = 0;
    for (let left = Atomics.load(ctl, PENDING); left !== 0; left = Atomics.load(ctl, PENDING)) {
      if (++spins > SPIN) Atomics.wait(ctl, PENDING, left, 1000);
    }
    if (Atomics.load(ctl, FAILED) !== 0) throw new Error(`kernel ${name} failed in a worker thread: ${this.error ?? 'unknown error'}`);
  }

  async close(): Promise<void> {
    if (this.workers.length === 0) return;
    Atomics.store(this.ctl, QUIT, 1);
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}

/** A worker's loop (worker.ts): wait for a new generation, run its share, count down. */
export function serve(init: PoolInit, ready: () => void, report: (error: string) => void): void {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const exp = instance.exports as unknown as Record<string, Fn>;
  const fns = init.names.map((n) => exp[n]);
  const ctl = new Int32Array(init.ctl);
  const args = new Float64Array(init.args);
  const a: number[] = [];
  // The first call comes only after every worker said it is ready, so generation 0 is the one already seen.
  let seen = 0;
  ready();
  for (;;) {
    let g = Atomics.load(ctl, GEN);
    for (let spins = 0; g === seen && spins < SPIN; spins++) g = Atomics.load(ctl, GEN);
    if (g === seen) {
      Atomics.wait(ctl, GEN, seen);
      continue;
    }
    seen = g;
    if (Atomics.load(ctl, QUIT) !== 0) return;
    const n = ctl[NARGS];
    a.length = 0;
    for (let i = 0; i < n; i++) a.push(args[i]);
    a.push(init.tid, init.nth);
    try {
      fns[ctl[KERNEL]](...a);
    } catch (e) {
      Atomics.store(ctl, FAILED, 1);
      report(`${init.names[ctl[KERNEL]]}: ${(e as Error).message}`);
    }
    if (Atomics.sub(ctl, PENDING, 1) === 1) Atomics.notify(ctl, PENDING);
  }
}
