import type { Clock } from '../core/clock.ts';
import { ForesightError } from '../core/errors.ts';
import { EXCEPT_JOURNEY, ONLY_JOURNEY } from '../executor/addressed.ts';
import { reentryAfterMs } from '../graph/compile.ts';
import type { JourneyGraph } from '../graph/types.ts';
import { reentryAllows } from '../executor/reentry.ts';
import { refreshSegments } from '../jobs/segment-refresh.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import { SEGMENT_ENTERED, SegmentService, savedDefinition } from '../segments/index.ts';
import type { EventInput, Storage } from '../storage/types.ts';

/** Who enters a segment-triggered journey when it goes live: the segment's current members too, or only those who enter from now on. */
export const AUDIENCE_CHOICES = ['include', 'new'] as const;
export type AudienceChoice = (typeof AUDIENCE_CHOICES)[number];

export interface SegmentTrigger {
  nodeId: string;
  segment: string;
}

/** Triggers that enroll on entering a saved segment, read from each node's own trigger spec (no per-type switch). */
export function segmentTriggers(graph: JourneyGraph, registry: NodeRegistry): SegmentTrigger[] {
  return graph.nodes.flatMap((n) => {
    const spec = registry.get(n.type)?.trigger?.(n.config as never);
    const segment = spec?.event === SEGMENT_ENTERED ? spec.where?.find((w) => w.path === 'segment')?.value : undefined;
    return typeof segment === 'string' && segment ? [{ nodeId: n.id, segment }] : [];
  });
}

/** How many customers match each segment trigger's segment now (null when the segment is not saved or cannot be evaluated). */
export async function currentMembers(storage: Storage, triggers: SegmentTrigger[], now: Date): Promise<(SegmentTrigger & { members: number | null })[]> {
  const service = new SegmentService(storage);
  const counts = new Map<string, number | null>();
  for (const segment of new Set(triggers.map((t) => t.segment))) {
    counts.set(segment, await savedDefinition(storage, segment).then((def) => service.count(def, now), () => null));
  }
  return triggers.map((t) => ({ ...t, members: counts.get(t.segment) ?? null }));
}

const PAGE = 1000;

/**
 * Applies the marketer's choice right after the journey went live. The segment's membership is
 * brought up to date first, announced to every other journey as usual but not to this one, so the
 * next scheduled refresh cannot enroll the current members in one burst. With `include`, the
 * current members then get an entry addressed to this journey alone; re-entry rules still apply.
 * Idempotent: the events are keyed by journey, version, segment and customer. `entering` counts the
 * customers offered entry that the journey will let in: none already in it, and its re-entry rule
 * applied to their last entry (the engine decides with the same rule when it takes the entries).
 */
export async function applyAudience(deps: { storage: Storage; clock: Clock }, journeyId: string, version: number, triggers: SegmentTrigger[], choice: AudienceChoice): Promise<{ entering: number }> {
  if (!AUDIENCE_CHOICES.includes(choice)) throw new ForesightError('invalid_input', `audience: use one of ${AUDIENCE_CHOICES.join(', ')}`, { field: 'audience' });
  const segments = [...new Set(triggers.map((t) => t.segment))];
  if (!segments.length) return { entering: 0 };
  const refreshed = await refreshSegments(deps.storage, deps.clock, { names: segments, properties: { [EXCEPT_JOURNEY]: journeyId } });
  if (refreshed.failed.length) throw new ForesightError('segment_failed', `segment "${refreshed.failed[0]!.segment}" cannot be evaluated: ${refreshed.failed[0]!.message}`, { field: 'segment' });
  if (choice === 'new') return { entering: 0 };
  const now = deps.clock.now().getTime();
  // People, not entries: a customer in two of the trigger segments is offered entry twice but counted once.
  const offered = new Set<number>();
  for (const segment of segments) {
    const saved = await deps.storage.segments.get(segment);
    const members = (await deps.storage.segmentMembers.list(segment)).filter((m) => m.member && saved && m.changedAt >= saved.createdAt);
    for (let i = 0; i < members.length; i += PAGE) {
      const events: EventInput[] = members.slice(i, i + PAGE).map((m) => ({
        customerId: m.customerId,
        type: SEGMENT_ENTERED,
        properties: { segment, [ONLY_JOURNEY]: journeyId },
        occurredAt: now,
        idempotencyKey: `audience:${journeyId}:${version}:${segment}:${m.customerId}`,
      }));
      (await deps.storage.events.insert(events, now)).forEach((id, k) => {
        if (id !== null) offered.add(events[k]!.customerId);
      });
    }
  }
  return { entering: await admitted(deps.storage, journeyId, version, [...offered], now) };
}

/** How many of `customers` the journey admits now: no open run in it, and its re-entry rule allows them. */
async function admitted(storage: Storage, journeyId: string, version: number, customers: number[], now: number): Promise<number> {
  if (!customers.length) return 0;
  const graph = (await storage.journeys.version(journeyId, version))?.graph as JourneyGraph | undefined;
  if (!graph) return 0;
  const rule = { settings: graph.settings, reentryAfterMs: reentryAfterMs(graph.settings) };
  const inside = new Set((await storage.runs.openForCustomers(customers)).filter((r) => r.journeyId === journeyId).map((r) => r.customerId));
  const last = await storage.runs.lastEntries(journeyId, customers);
  return customers.filter((c) => !inside.has(c) && reentryAllows(rule, last.get(c), now)).length;
}
