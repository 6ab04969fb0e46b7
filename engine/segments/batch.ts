import { parseDuration } from '../core/duration.ts';
import { eventSubject, matchesAll } from '../core/filter.ts';
import type { OrderView } from '../plugin/services.ts';
import type { CustomerRecord, EventRecord, Storage } from '../storage/types.ts';
import type { SegmentCondition } from './definition.ts';
import type { SegmentSubject } from './evaluate.ts';

/** What a definition reads: event types (with the earliest time any leaf looks back to), orders, model scores. */
export interface SegmentNeeds {
  /** Event type → earliest `occurredAt` needed (ms), or null for all history. */
  events: Map<string, number | null>;
  orders: boolean;
  models: Set<string>;
  /** Whether profile fields (attributes, email, time zone) are read. */
  profile: boolean;
}

const LABEL_MODELS = { lifecycle: 'lifecycle', valueTier: 'value_tier', rfm: 'rfm' } as const;

export function segmentNeeds(def: SegmentCondition, now: Date): SegmentNeeds {
  const needs: SegmentNeeds = { events: new Map(), orders: false, models: new Set(), profile: false };
  const needEvents = (type: string, since: number | null) => {
    const had = needs.events.get(type);
    needs.events.set(type, had === undefined ? since : had === null || since === null ? null : Math.min(had, since));
  };
  const visit = (c: SegmentCondition): void => {
    if ('all' in c) c.all.forEach(visit);
    else if ('any' in c) c.any.forEach(visit);
    else if ('not' in c) visit(c.not);
    else if ('event' in c) needEvents(c.event, c.within ? now.getTime() - parseDuration(c.within) : null);
    else if ('lastEvent' in c) needEvents(c.lastEvent, null);
    else if ('orders' in c) needs.orders = true;
    else if ('attribute' in c) needs.profile = true;
    else if ('score' in c) needs.models.add(c.score);
    else if ('lifecycle' in c) needs.models.add(LABEL_MODELS.lifecycle);
    else if ('valueTier' in c) needs.models.add(LABEL_MODELS.valueTier);
    else if ('rfm' in c) needs.models.add(LABEL_MODELS.rfm);
  };
  visit(def);
  return needs;
}

/**
 * Reads what `needs` lists for a page of customers in a few bulk queries and
 * answers each customer's segment reads from memory, with the same meaning as
 * the engine's per-customer services (nothing after `now` counts).
 */
export async function prefetchSubjects(storage: Storage, customers: CustomerRecord[], needs: SegmentNeeds, now: Date): Promise<Map<number, SegmentSubject['services']>> {
  const ids = customers.map((c) => c.id);
  const until = now.getTime();
  const types = [...needs.events.keys()];
  const since = [...needs.events.values()].reduce<number | null | undefined>((m, s) => (m === undefined ? s : m === null || s === null ? null : Math.min(m, s)), undefined);
  const [events, orders, scores] = await Promise.all([
    types.length ? storage.segmentReads.events(ids, types, { since: since ?? undefined, until }) : [],
    needs.orders ? storage.segmentReads.orders(ids, until) : [],
    needs.models.size ? storage.segmentReads.scores(ids, [...needs.models]) : [],
  ]);
  const group = <T extends { customerId: number }>(rows: T[]) => {
    const m = new Map<number, T[]>();
    for (const r of rows) {
      const list = m.get(r.customerId);
      if (list) list.push(r);
      else m.set(r.customerId, [r]);
    }
    return m;
  };
  const eventsBy = group(events);
  const ordersBy = group(orders);
  const scoresBy = group(scores);
  const out = new Map<number, SegmentSubject['services']>();
  for (const id of ids) {
    const own = eventsBy.get(id) ?? [];
    const ofType = (type: string, where: Parameters<typeof matchesAll>[1]): EventRecord[] => own.filter((e) => e.type === type && matchesAll(eventSubject(e.type, e.properties), where));
    out.set(id, {
      countEvents: async (type, opts = {}) => ofType(type, opts.where).filter((e) => !opts.since || e.occurredAt >= opts.since.getTime()).length,
      lastEventAt: async (type, opts = {}) => {
        const hit = ofType(type, opts.where)[0]; // newest first
        return hit ? new Date(hit.occurredAt) : null;
      },
      orders: async () => (ordersBy.get(id) ?? []).map((o): OrderView => ({ orderId: o.orderId, orderedAt: new Date(o.orderedAt), amount: o.amount, quantity: o.quantity, items: o.items })),
      scores: async () => Object.fromEntries((scoresBy.get(id) ?? []).map((r) => [r.model, { value: r.value, data: r.data, scoredAt: new Date(r.scoredAt) }])),
    });
  }
  return out;
}
