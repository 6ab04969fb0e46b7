import type { Clock } from '../../engine/core/clock.ts';
import { identifyCustomers, recordOrders, trackEvents } from '../../engine/ingest/ingest.ts';
import type { IdentifyInput, OrderInputExternal, TrackInput } from '../../engine/ingest/schemas.ts';
import type { EventInput, OrderInput, Storage } from '../../engine/storage/types.ts';
import { demoCustomers, resolveOptions, type DemoCustomer, type DemoStoreOptions } from './generate.ts';

/** One thing that happens after the history split, replayed through engine/ingest as time passes. */
export type FeedItem =
  | { at: number; kind: 'identify'; value: IdentifyInput }
  | { at: number; kind: 'order'; value: OrderInputExternal }
  | { at: number; kind: 'event'; value: TrackInput }
  | { at: number; kind: 'send'; value: { customerId: string; key: string } };

export interface LoadSummary {
  customers: number;
  orders: number;
  events: number;
  /** Newsletter sends, written to the send log as the mail sender would. */
  sends: number;
}

export interface LoadOptions {
  /** Activity up to this instant is history (already processed: it shapes profiles and models, enrolls nobody); later activity becomes the feed. Default: the store's end. */
  historyUntil?: Date;
  /** Customers written per transaction batch. */
  batchSize?: number;
  onProgress?(done: number, total: number): void;
}

const KIND_ORDER = { identify: 0, order: 1, event: 2, send: 3 } as const;

/** The generator's newsletter sends: mail the shop sent, recorded in the send log rather than as events. */
const NEWSLETTER_SEND = 'email_sent';
const sendKey = (externalId: string, at: number) => `demo:newsletter:${externalId}:${at}`;

/**
 * Writes a generated store into storage: profiles, orders (each with its
 * `purchase` event, keyed like engine/ingest does), and every other event,
 * all before `historyUntil`. Returns what happens afterwards as a feed.
 */
export async function loadDemoStore(storage: Storage, options: DemoStoreOptions, load: LoadOptions = {}): Promise<{ summary: LoadSummary; feed: DemoFeed }> {
  const o = resolveOptions(options);
  const split = (load.historyUntil ?? o.end).getTime();
  const batchSize = load.batchSize ?? 2000;
  const summary: LoadSummary = { customers: 0, orders: 0, events: 0, sends: 0 };
  const future: FeedItem[] = [];
  let batch: DemoCustomer[] = [];
  let done = 0;

  const flush = async (): Promise<void> => {
    const known = batch.filter((c) => c.signupAt <= split);
    const ids = await storage.customers.upsert(
      known.map((c) => ({ externalId: c.externalId, email: c.email, timezone: c.timezone, consent: { email: true }, attributes: { ...c.attributes, ...npsAttribute(c.events, split) } })),
      split,
    );
    const orders: OrderInput[] = [];
    const events: EventInput[] = [];
    const sends: { customerId: number; at: number; key: string }[] = [];
    known.forEach((c, k) => {
      const customerId = ids[k]!;
      for (const o of c.orders) {
        if (o.orderedAt > split) continue;
        orders.push({ customerId, ...o });
        events.push({ customerId, type: 'purchase', properties: { order_id: o.orderId, amount: o.amount, quantity: o.quantity, items: o.items }, occurredAt: o.orderedAt, idempotencyKey: `order:${o.orderId}`, processed: true });
      }
      for (const e of c.events) {
        if (e.occurredAt > split) continue;
        if (e.type === NEWSLETTER_SEND) sends.push({ customerId, at: e.occurredAt, key: sendKey(c.externalId, e.occurredAt) });
        else events.push({ customerId, ...e, processed: true });
      }
    });
    for (const s of sends) await storage.sends.record({ key: s.key, customerId: s.customerId, category: 'newsletter', capped: true }, s.at);
    for (const c of batch) future.push(...feedOf(c, split));
    await storage.orders.insert(orders);
    await storage.events.insert(events, split);
    summary.customers += known.length;
    summary.orders += orders.length;
    summary.events += events.length;
    summary.sends += sends.length;
    done += batch.length;
    load.onProgress?.(done, o.customers);
    batch = [];
  };

  for (const c of demoCustomers(o)) {
    batch.push(c);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length) await flush();
  // Stable sort: within one instant a profile comes before its order, an order before its events.
  future.sort((a, b) => a.at - b.at || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  return { summary, feed: new DemoFeed(future) };
}

/** The latest NPS answer up to `until`, kept on the profile so journeys can branch on it. */
function npsAttribute(events: readonly { type: string; occurredAt: number; properties: Record<string, unknown> }[], until: number): Record<string, unknown> {
  let score: unknown;
  for (const e of events) if (e.type === 'nps_response' && e.occurredAt <= until) score = e.properties.score;
  return score === undefined ? {} : { nps_score: score };
}

function feedOf(c: DemoCustomer, split: number): FeedItem[] {
  const out: FeedItem[] = [];
  if (c.signupAt > split) {
    out.push({ at: c.signupAt, kind: 'identify', value: { customerId: c.externalId, email: c.email, timezone: c.timezone, consent: { email: true }, attributes: c.attributes } });
  }
  for (const o of c.orders) {
    if (o.orderedAt > split) out.push({ at: o.orderedAt, kind: 'order', value: { customerId: c.externalId, orderId: o.orderId, orderedAt: o.orderedAt, amount: o.amount, quantity: o.quantity, items: o.items } });
  }
  for (const e of c.events) {
    if (e.occurredAt <= split) continue;
    if (e.type === NEWSLETTER_SEND) {
      out.push({ at: e.occurredAt, kind: 'send', value: { customerId: c.externalId, key: sendKey(c.externalId, e.occurredAt) } });
      continue;
    }
    if (e.type === 'nps_response') out.push({ at: e.occurredAt, kind: 'identify', value: { customerId: c.externalId, attributes: { nps_score: e.properties.score } } });
    out.push({ at: e.occurredAt, kind: 'event', value: { customerId: c.externalId, type: e.type, properties: e.properties, occurredAt: e.occurredAt, idempotencyKey: `demo:${c.externalId}:${e.type}:${e.occurredAt}` } });
  }
  return out;
}

/** The store's future, handed to engine/ingest as a clock passes it. */
export class DemoFeed {
  private next = 0;

  constructor(readonly items: readonly FeedItem[]) {}

  /** Time of the next item not yet ingested, or null when the feed is exhausted. */
  nextAt(): number | null {
    return this.items[this.next]?.at ?? null;
  }

  get remaining(): number {
    return this.items.length - this.next;
  }

  /** Time of the last item ingested so far, or null. */
  get lastIngestedAt(): number | null {
    return this.next > 0 ? this.items[this.next - 1]!.at : null;
  }

  /** Ingests every item at or before `until` (grouped by kind, in time order); returns how many. */
  async ingestUntil(storage: Storage, clock: Clock, until: number): Promise<number> {
    const start = this.next;
    while (this.next < this.items.length && this.items[this.next]!.at <= until) {
      // Consecutive items of one kind go in one call.
      const kind = this.items[this.next]!.kind;
      const group: FeedItem[] = [];
      while (this.next < this.items.length && this.items[this.next]!.at <= until && this.items[this.next]!.kind === kind) group.push(this.items[this.next++]!);
      const values = group.map((g) => g.value);
      if (kind === 'send') await recordSends(storage, group);
      else if (kind === 'identify') await identifyCustomers(storage, clock, values);
      else if (kind === 'order') await recordOrders(storage, clock, values);
      else await trackEvents(storage, clock, values);
    }
    return this.next - start;
  }
}

async function recordSends(storage: Storage, items: FeedItem[]): Promise<void> {
  const ids = await storage.customers.resolve([...new Set(items.map((i) => (i.value as { customerId: string }).customerId))], items[0]!.at, true);
  for (const i of items) {
    const v = i.value as { customerId: string; key: string };
    await storage.sends.record({ key: v.key, customerId: ids.get(v.customerId)!, category: 'newsletter', capped: true }, i.at);
  }
}
