/**
 * The events a run remembers in its state, so a later node (`condition.event`)
 * can branch on what they said: the event that started the run and the one
 * that last resumed a `wait.event`. Plain data, written by the executor.
 */
export interface RememberedEvent {
  id: number;
  type: string;
  properties: Record<string, unknown>;
  /** Epoch ms (run state is JSON). */
  occurredAt: number;
  /** For a resuming event: the wait node it resumed. */
  nodeId?: string;
}

export const TRIGGER_EVENT_KEY = '$event:trigger';
export const RESUME_EVENT_KEY = '$event:resume';

/**
 * The last `wait.event` the run left through its timeout. Kept in the run's
 * state because the timeout fires on the clock, while an event dated before it
 * may still be on its way (an hourly shop sync): when it arrives within the
 * allowed lateness, the run is taken back to that wait and leaves through the
 * event's port, the path it would have taken. We correct rather than hold every
 * timeout for the whole lateness horizon, which would delay each reminder by a day.
 */
export const TIMED_OUT_KEY = '$timedOut';

export type EventSource = 'latest' | 'trigger' | 'resume';

/** The remembered event of a source; `latest` is the resuming event when there is one, else the trigger. */
export function rememberedEvent(state: Readonly<Record<string, unknown>>, source: EventSource): RememberedEvent | null {
  const trigger = (state[TRIGGER_EVENT_KEY] as RememberedEvent | undefined) ?? null;
  const resume = (state[RESUME_EVENT_KEY] as RememberedEvent | undefined) ?? null;
  if (source === 'trigger') return trigger;
  if (source === 'resume') return resume;
  return resume ?? trigger;
}
