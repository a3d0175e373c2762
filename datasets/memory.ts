// Memory hints for huge documents. V8 frees a 250 MB string or buffer only at a full collection, which it runs late:
// after one such document, several dead copies would otherwise pile up. Collecting once after each keeps the peak
// near the live data; documents under HUGE_TEXT_BYTES never trigger it.
import v8 from 'node:v8';
import vm from 'node:vm';

/** A document this large (UTF-8 bytes) is followed by a full collection in the thread that handled it. */
export const HUGE_TEXT_BYTES = 32 << 20;

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}
