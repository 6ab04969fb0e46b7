import type { OutboxResult } from '../storage/types.ts';

/** What an operator should do with `unknown` entries; shown with them so the API explains itself. */
export const UNKNOWN_POLICY =
  'unknown: the process stopped while these were being handed to the mail server or endpoint, so they may or may not have arrived. They are never resent automatically (that could send twice). Check the mail server log for the Message-ID <outbox key@sender domain>, then re-queue the ones that did not arrive.';

/** Writes outcomes and marks `starting` as sending; returns the keys that did start. */
type Write = (results: OutboxResult[], starting: string[]) => Promise<string[]>;

/**
 * Delivery progress written as it happens, in small group commits: every lane hands in its
 * finished outcomes and the entry it is about to send, and waits until they are durable. Lanes
 * that finish in the same turn of the event loop share one transaction. So a crash can leave at
 * most one entry per lane `sending` (on the wire), and no finished outcome is lost.
 */
export class GroupCommit {
  private results: OutboxResult[] = [];
  private starting: string[] = [];
  private waiters: { start: string | null; resolve: (started: boolean) => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly write: Write) {}

  /** Resolves once `results` are settled; true when `start` was marked sending (false: its claim passed to another worker). */
  add(results: OutboxResult[], start: string | null): Promise<boolean> {
    this.results.push(...results);
    if (start !== null) this.starting.push(start);
    return new Promise((resolve, reject) => {
      this.waiters.push({ start, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const [results, starting, waiters] = [this.results, this.starting, this.waiters];
    this.results = [];
    this.starting = [];
    this.waiters = [];
    this.scheduled = false;
    try {
      const started = new Set(await this.write(results, starting));
      for (const w of waiters) w.resolve(w.start !== null && started.has(w.start));
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }
}
