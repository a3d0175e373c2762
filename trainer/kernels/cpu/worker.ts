// A CPU kernel thread: instantiates the kernels over the shared memory and serves calls (pool.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { serve, type PoolInit } from './pool.js';

serve(workerData as PoolInit, () => parentPort!.postMessage({ ready: true }), (error) => parentPort!.postMessage({ error }));
