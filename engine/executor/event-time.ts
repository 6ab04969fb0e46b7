import { formatDuration } from '../core/duration.ts';
import { matchesAll, type Filter } from '../core/filter.ts';
import { RESUME_EVENT_KEY, TIMED_OUT_KEY, TRIGGER_EVENT_KEY, type RememberedEvent } from '../core/run-events.ts';
import type { EventRecord, RunRecord } from '../storage/types.ts';

/**
 * Event time versus processing time. Journeys decide on when things
 * happened (`occurredAt`), not on when a worker got to them: a run enters at
 * its trigger's time, events are applied in the order they happened, and a
 * late event still counts when it arrives within the allowed lateness.
 */

/** How long after it happened an event may arrive and still change runs (`FORESIGHT_ALLOWED_LATENESS`). */
export const DEFAULT_ALLOWED_LATENESS_MS = 24 * 3_600_000;

/** Event-time order: when it happened, arrival order for ties. */
export function byEventTime(a: EventRecord, b: EventRecord): number {
  return a.occurredAt - b.occurredAt || a.id - b.id;
}

/**
 * Why an event arrived too late to change a run, or null when it is in time.
 * Lateness runs from when it happened to when it was stored: a backlog on our
 * side (a worker down for an hour) never makes an event late.
 */
export function tooLate(e: EventRecord, allowedMs: number): string | null {
  const late = e.receivedAt - e.occurredAt;
  if (late <= allowedMs) return null;
  return `arrived ${formatDuration(late)} after it happened (${new Date(e.occurredAt).toISOString()}); the allowed lateness is ${formatDuration(allowedMs)} (FORESIGHT_ALLOWED_LATENESS)`;
}

/** True when an event dated `at` falls inside a wait: not before it began, not after its timeout. */
export function duringWait(at: number, since: number, until: number | null): boolean {
  return at >= since && (until === null || at <= until);
}

export function remember(e: EventRecord, nodeId?: string): RememberedEvent {
  return { id: e.id, type: e.type, properties: e.properties, occurredAt: e.occurredAt, ...(nodeId ? { nodeId } : {}) };
}

export function rememberTrigger(run: RunRecord, e: EventRecord): void {
  run.state = { ...run.state, [TRIGGER_EVENT_KEY]: remember(e) };
}

/** Remembers the event that resumed the run's wait; a wait it timed out of earlier can no longer be corrected. */
export function rememberResume(run: RunRecord, e: EventRecord): void {
  const { [TIMED_OUT_KEY]: _dropped, ...rest } = run.state;
  run.state = { ...rest, [RESUME_EVENT_KEY]: remember(e, run.nodeId) };
}

/** What `TIMED_OUT_KEY` holds in the run's state (see there why). */
export interface TimedOutWait {
  nodeId: string;
  since: number;
  /** The timeout, in event time. */
  until: number;
  event: { type: string; where?: unknown[]; port: string };
  /** Processing time at which the timeout was taken: effects queued since then went down the timeout path. */
  firedAt: number;
}

/** Records, before a waiting run leaves through its timeout, what it was waiting for. */
export function noteTimeout(run: RunRecord, firedAt: number): void {
  const wait = run.wait;
  if (!wait?.event || run.wakeAt === null) return;
  const note: TimedOutWait = { nodeId: run.nodeId, since: wait.since, until: run.wakeAt, event: wait.event, firedAt };
  run.state = { ...run.state, [TIMED_OUT_KEY]: note };
}

/** The timed-out wait this event would have ended had it arrived in time, or null. */
export function correctable(run: RunRecord, e: EventRecord, subject: Record<string, unknown>): TimedOutWait | null {
  const note = run.state[TIMED_OUT_KEY] as TimedOutWait | undefined;
  if (!note || note.event.type !== e.type || !duringWait(e.occurredAt, note.since, note.until)) return null;
  return matchesAll(subject, note.event.where as Filter[] | undefined) ? note : null;
}
