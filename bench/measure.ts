/** Small measuring helpers the bench sections share. */
import { statSync } from 'node:fs';

export const quantile = (sorted: ArrayLike<number>, q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** A SQLite database's bytes on disk, its WAL included. */
export const fileBytes = (file: string): number => ['', '-wal'].reduce((n, s) => n + (statSync(file + s, { throwIfNoEntry: false })?.size ?? 0), 0);

/**
 * Peak resident memory per phase: sampled every 50 ms, since the process's own
 * high-water mark (resourceUsage().maxRSS) cannot be reset between phases.
 */
export class RssPeak {
  private peak = 0;
  private readonly timer = setInterval(() => this.sample(), 50).unref();

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }

  /** Bytes: the peak since the previous call, and starts the next phase. */
  phase(): number {
    this.sample();
    const p = this.peak;
    this.peak = 0;
    return p;
  }

  /** Bytes: the process's high-water mark so far. */
  max(): number {
    return process.resourceUsage().maxRSS * 1024;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
