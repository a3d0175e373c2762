// The WebGPU kernel set's device thread: opens the adapter, then runs each batch the main thread posts and answers
// on the same port, waking the main thread (which blocks in Atomics.wait: the kernels interface is synchronous).
import { workerData, type MessagePort } from 'node:worker_threads';
import { findAdapter } from './adapter.js';
import { GpuDevice } from './gpuDevice.js';
import type { Answer, Batch, Hello } from './protocol.js';

const { port, flag } = workerData as { port: MessagePort; flag: SharedArrayBuffer };
const signal = new Int32Array(flag);

function answer(msg: unknown, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
  Atomics.store(signal, 0, 1); // SIGNAL.answer
  Atomics.notify(signal, 0);
}

// a crash of this thread wakes the main thread, which would otherwise wait for an answer that never comes
function dead(why: unknown): void {
  port.postMessage({ error: String((why as Error)?.stack ?? why) });
  Atomics.store(signal, 0, 2); // SIGNAL.dead
  Atomics.notify(signal, 0);
}
process.on('uncaughtException', (e) => dead(e));
process.on('unhandledRejection', (e) => dead(e));
process.on('exit', () => {
  // only where no answer waits to be read (the close answer is followed by this thread's exit)
  if (Atomics.compareExchange(signal, 0, 0, 2) === 0) Atomics.notify(signal, 0);
});

let device: GpuDevice | null = null;
try {
  const found = await findAdapter();
  if ('error' in found) answer({ error: found.error } satisfies Hello);
  else {
    device = await GpuDevice.open(found.adapter, found.report);
    answer({ ok: found.report } satisfies Hello);
  }
} catch (e) {
  answer({ error: `opening the WebGPU device failed: ${(e as Error).message}` } satisfies Hello);
}

port.on('message', (msg: Batch | { close: true } | { bytes: true }) => {
  void (async () => {
    if ('close' in msg) {
      await device?.close();
      device = null;
      answer({ reads: [] } satisfies Answer);
      port.close();
      return;
    }
    if ('bytes' in msg) return answer({ reads: [], bytes: device?.bytes() ?? 0 });
    try {
      if (!device) throw new Error('no WebGPU device');
      const a = await device.run(msg);
      answer(a, 'reads' in a ? a.reads : []);
    } catch (e) {
      answer({ error: (e as Error).stack ?? String(e) } satisfies Answer);
    }
  })();
});
