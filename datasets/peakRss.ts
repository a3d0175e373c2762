// Peak resident memory of this process. On Linux, VmHWM from /proc: getrusage's maxrss survives exec and
// so reports the parent's peak in a freshly spawned child.
import { readFileSync } from 'node:fs';

export function peakRssBytes(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'latin1'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
