import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Clock } from '../core/clock.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { Storage } from '../storage/types.ts';

/** Hourly, off the quarter hours the segment refresh takes. */
export const RETENTION_SCHEDULE = '7 * * * *';
/** Rows looked at per transaction: small enough that a step commit never waits long behind one. */
export const RETENTION_BATCH = 500;

export interface PruneResult {
  history: number;
  deliveries: number;
  events: number;
  sends: number;
}

/**
 * Removes what is older than `maxAgeMs` (journey time, `clock`): the step history
 * and settled deliveries of runs that ended before then, processed events
 * received before then, and the send log's entries (counted per minute first).
 * The builder's numbers come from counters kept at each step, from the runs
 * themselves and from those per-minute counts, so they stay exact. One small transaction per window, and the event loop gets a turn
 * between windows, so the engine keeps stepping while this runs.
 */
export async function pruneExpired(
  storage: Storage,
  clock: Clock,
  maxAgeMs: number,
  opts: { batch?: number; onWindow?: (soFar: PruneResult) => void | Promise<void> } = {},
): Promise<PruneResult> {
  const batch = opts.batch ?? RETENTION_BATCH;
  const before = clock.now().getTime() - maxAgeMs;
  const done: PruneResult = { history: 0, deliveries: 0, events: 0, sends: 0 };
  const between = async () => {
    await opts.onWindow?.(done);
    await yieldToLoop();
  };
  for (let after: number | null = 0; after !== null; await between()) {
    const r = await storage.retention.pruneHistory(before, after, batch);
    done.history += r.history;
    done.deliveries += r.deliveries;
    after = r.next;
  }
  for (let after: number | null = 0; after !== null; await between()) {
    const r = await storage.retention.pruneEvents(before, after, batch);
    done.events += r.events;
    after = r.next;
  }
  for (let after: number | null = 0; after !== null; await between()) {
    const r = await storage.retention.pruneSends(before, after, batch);
    done.sends += r.sends;
    after = r.next;
  }
  return done;
}

/**
 * Registers the hourly pruning; a `maxAgeMs` of 0 keeps everything and registers nothing.
 * `onPruned` hears of the runs that removed something (an hourly "nothing removed" is noise).
 */
export function registerRetentionJob(scheduler: Scheduler, deps: { storage: Storage; clock: Clock; maxAgeMs: number; onPruned?: (r: PruneResult) => void }): void {
  if (deps.maxAgeMs <= 0) return;
  scheduler.schedule('retention', RETENTION_SCHEDULE, async () => {
    const r = await pruneExpired(deps.storage, deps.clock, deps.maxAgeMs);
    if (r.history + r.deliveries + r.events + r.sends > 0) deps.onPruned?.(r);
    return r;
  });
}
