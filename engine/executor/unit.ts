import type { CounterDelta, StepUnit } from '../storage/types.ts';

export function emptyUnit(): StepUnit {
  return { eventIds: [], inserts: [], updates: [], history: [], outbox: [], counters: [], profiles: [], entries: [] };
}

export function count(unit: StepUnit, journeyId: string, version: number, nodeId: string, key: string): void {
  const c: CounterDelta = { journeyId, version, nodeId, key, by: 1 };
  unit.counters.push(c);
}

/** Journey-level counters sit on this pseudo node id. */
export const JOURNEY_NODE = '$journey';
