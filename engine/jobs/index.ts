import type { Clock } from '../core/clock.ts';
import { ForesightError } from '../core/errors.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { Storage } from '../storage/types.ts';
import { emitAnniversaries } from './anniversaries.ts';
import { refreshSegments, segmentChangeWatcher, type RefreshResult } from './segment-refresh.ts';

export { emitAnniversaries } from './anniversaries.ts';
export { refreshSegments, segmentChangeWatcher, segmentInputs, type RefreshResult } from './segment-refresh.ts';

/** When the node catalogue's jobs run (cron syntax). */
export const NODE_JOB_SCHEDULES = {
  /** Full re-evaluation of every saved segment: catches changes that come from time passing, attributes and scores. */
  'segments.refresh': '*/15 * * * *',
  /** Customers whose new events can change a segment, re-checked within a minute. */
  'segments.events': '* * * * *',
  /** Hourly, so every customer's local anniversary day is seen early in that day. */
  anniversaries: '0 * * * *',
} as const;

/** A segment that could not be evaluated is reported as a job failure (after the others were refreshed). */
function raiseFailures(r: RefreshResult): RefreshResult {
  if (r.failed.length) throw new ForesightError('segment_refresh_failed', r.failed.map((f) => `segment "${f.segment}": ${f.message}`).join('\n'), { field: 'segments', details: r.failed });
  return r;
}

/**
 * Registers the jobs behind `trigger.segment` and `trigger.date` on the scheduler.
 * @example registerNodeJobs(scheduler, { storage, clock, registry })
 */
export function registerNodeJobs(
  scheduler: Scheduler,
  deps: { storage: Storage; clock: Clock; registry: NodeRegistry },
  schedules: Record<keyof typeof NODE_JOB_SCHEDULES, string> = NODE_JOB_SCHEDULES,
): void {
  const { storage, clock, registry } = deps;
  const watch = segmentChangeWatcher(storage, clock);
  scheduler.schedule('segments.refresh', schedules['segments.refresh'], async () => raiseFailures(await refreshSegments(storage, clock)));
  scheduler.schedule('segments.events', schedules['segments.events'], async () => raiseFailures(await watch()));
  scheduler.schedule('anniversaries', schedules.anniversaries, () => emitAnniversaries(storage, clock, registry));
}
