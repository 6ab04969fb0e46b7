import type { Clock } from '../core/clock.ts';

/**
 * Keeps one computed result per subject (a journey) for `ttlMs` of the real clock, reused while
 * the subject's `version` (what would change the result, e.g. its status and live version) is the
 * same. Concurrent askers share one computation; a failed one is not kept. At most one entry per
 * subject, replaced when its version changes, so memory stays bounded by the number of subjects.
 */
export class RecentResults<T> {
  private readonly entries = new Map<string, { version: string; at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    /** The real clock: how long a result stays fresh is a real-world matter, not journey time. */
    private readonly clock: Clock,
  ) {}

  get(subject: string, version: string, compute: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    const hit = this.entries.get(subject);
    if (hit && hit.version === version && now - hit.at < this.ttlMs) return hit.value;
    const value = compute();
    const entry = { version, at: now, value };
    this.entries.set(subject, entry);
    value.catch(() => {
      if (this.entries.get(subject) === entry) this.entries.delete(subject);
    });
    return value;
  }
}
