// Where training reports go: a live progress line (stderr), metrics.jsonl (one JSON object per event) and
// TensorBoard event files in the run folder.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../datasets/atomicFile.js';
import { EventWriter } from './tensorboard.js';

export interface StepMetrics {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  tokensPerSec: number;
  /** Achieved training GFLOP/s (6N + 12·L·d·T per token). */
  gflops: number;
  tokensSeen: number;
  elapsedSec: number;
}

function duration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  const m = Math.floor(sec / 60);
  return m > 0 ? `${m}m${String(Math.round(sec % 60)).padStart(2, '0')}s` : `${Math.round(sec)}s`;
}

export class Metrics {
  private readonly jsonl: string;
  private readonly tb: EventWriter;
  private readonly tty: boolean;

  constructor(runDir: string, private readonly totalSteps: number, private readonly quiet: boolean) {
    this.jsonl = join(runDir, 'metrics.jsonl');
    this.tb = new EventWriter(join(runDir, 'tensorboard'));
    this.tty = Boolean(process.stderr.isTTY);
  }

  /** On resume: drop lines past the checkpoint's step (the killed run's steps are redone). */
  static async truncate(runDir: string, step: number): Promise<void> {
    const path = join(runDir, 'metrics.jsonl');
    if (!existsSync(path)) return;
    const kept = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => {
        if (!l) return false;
        try {
          return (JSON.parse(l) as { step: number }).step <= step;
        } catch {
          return false; // a line cut by the kill
        }
      });
    await writeFileAtomic(path, kept.length ? `${kept.join('\n')}\n` : '');
  }

  step(m: StepMetrics, log: boolean): void {
    if (log) {
      appendFileSync(this.jsonl, `${JSON.stringify({ type: 'train', ...m })}\n`);
      this.tb.scalars(m.step, { 'train/loss': m.loss, 'train/lr': m.lr, 'train/grad_norm': m.gradNorm, 'train/tokens_per_sec': m.tokensPerSec, 'train/gflops': m.gflops });
    }
    if (this.quiet) return;
    const eta = ((this.totalSteps - m.step) * m.elapsedSec) / Math.max(1, m.step);
    const line = `step ${m.step}/${this.totalSteps} | loss ${m.loss.toFixed(4)} | lr ${m.lr.toExponential(2)} | grad norm ${m.gradNorm.toFixed(3)} | ${Math.round(m.tokensPerSec).toLocaleString('en-US')} tok/s | ${m.gflops.toFixed(1)} GFLOP/s | ETA ${duration(eta)}`;
    if (this.tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (log) process.stderr.write(`${line}\n`);
  }

  eval(step: number, loss: number, perplexity: number, tokens: number): void {
    appendFileSync(this.jsonl, `${JSON.stringify({ type: 'eval', step, valLoss: loss, valPerplexity: perplexity, tokens })}\n`);
    this.tb.scalars(step, { 'val/loss': loss, 'val/perplexity': perplexity });
    this.say(`step ${step}: validation loss ${loss.toFixed(4)}, perplexity ${perplexity.toFixed(2)} (${tokens.toLocaleString('en-US')} tokens)`);
  }

  /** A text sampled from the model at `step` (the run report shows them in order). */
  sample(step: number, text: string): void {
    appendFileSync(this.jsonl, `${JSON.stringify({ type: 'sample', step, text })}\n`);
  }

  /** The unigram model's loss on the validation tokens: the line a model must get under. */
  baseline(step: number, loss: number, perplexity: number, tokens: number): void {
    appendFileSync(this.jsonl, `${JSON.stringify({ type: 'baseline', step, unigramLoss: loss, unigramPerplexity: perplexity, tokens })}\n`);
  }

  say(text: string): void {
    if (this.quiet) return;
    process.stderr.write(`${this.tty ? '\r\x1b[K' : ''}${text}\n`);
  }
}
