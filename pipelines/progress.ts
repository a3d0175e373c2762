// Progress: a live line on a terminal, a plain log line every few seconds otherwise.

function hms(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export class Progress {
  private docs = 0;
  private bytes = 0;
  private doneBytes = 0;
  private partsDone = 0;
  private readonly t0 = Date.now();
  private timer?: NodeJS.Timeout;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly totalBytes: number,
    private readonly totalParts: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    quiet = false,
  ) {
    this.tty = Boolean(out.isTTY);
    if (!quiet) {
      this.timer = setInterval(() => this.print(false), this.tty ? 250 : 5000);
      this.timer.unref();
    }
  }

  add(docs: number, bytes: number): void {
    this.docs += docs;
    this.bytes += bytes;
  }

  partDone(partBytes: number): void {
    this.partsDone += 1;
    this.doneBytes += partBytes;
  }

  private line(): string {
    const secs = (Date.now() - this.t0) / 1000;
    const mbps = this.bytes / 1e6 / Math.max(secs, 1e-3);
    const frac = this.totalBytes > 0 ? Math.min(1, this.doneBytes / this.totalBytes) : 0;
    const eta = frac > 0 ? (secs / frac) * (1 - frac) : NaN;
    return `${this.label}: ${this.docs.toLocaleString('en-US')} docs, ${mbps.toFixed(1)} MB/s, part ${this.partsDone}/${this.totalParts}, ${hms(secs)} elapsed, ETA ${hms(eta)}`;
  }

  private print(final: boolean): void {
    if (this.tty) this.out.write(`\r\x1b[K${this.line()}${final ? '\n' : ''}`);
    else this.out.write(`${new Date().toISOString()} ${this.line()}\n`);
  }

  finish(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.print(true);
    }
  }
}
