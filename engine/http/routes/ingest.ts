import { z } from 'zod';
import { GroupCommit } from '../../ingest/group-commit.ts';
import { identifyCustomers, type IngestResult, type ItemOutcome, recordEach, recordOrders, trackEach, trackEvents } from '../../ingest/ingest.ts';
import { ForesightError } from '../../core/errors.ts';
import { identifyFields, identifySchema, orderFields, orderSchema, strictFields, trackFields, trackSchema } from '../../ingest/schemas.ts';
import type { ApiContext } from '../context.ts';
import { ingestLimiter } from '../rate-limit.ts';
import type { RouteTable } from '../route-table.ts';

export const MAX_BATCH = 10_000;

/** Senders' clocks and typos: a time after the server's clock (plus a day) is refused here, at the edge. */
const EDGE = { refuseFuture: true } as const;

/** One batch item: the body of /api/identify, /api/track or /api/orders plus its `kind`. */
export const batchItemSchema = z.discriminatedUnion('kind', [
  // Each item takes its kind's fields and no other, as the single requests do.
  strictFields({ kind: z.literal('identify'), ...identifyFields }),
  strictFields({ kind: z.literal('track'), ...trackFields }),
  strictFields({ kind: z.literal('order'), ...orderFields }),
]);
// Items are checked one by one (a bad item is rejected alone), so the envelope only bounds the list.
const BATCH_SHAPE = '{"batch": [{"kind": "track", …}, …]}';
const batchBody = z.object(
  {
    batch: z
      .array(z.unknown(), { error: `send the items as a list: ${BATCH_SHAPE}` })
      .min(1, 'send at least one item')
      .max(MAX_BATCH, `at most ${MAX_BATCH} items per request; split the batch`),
  },
  { error: `send an object whose batch lists the items: ${BATCH_SHAPE}` },
);

const okResponse = z.object({ ok: z.literal(true), duplicate: z.boolean().describe('true when the idempotency key (or order id) was seen before: nothing new was stored') });
const batchResponse = z.object({
  ok: z.boolean().describe('false when any item was rejected'),
  accepted: z.object({ identify: z.number().int(), track: z.number().int(), order: z.number().int() }),
  duplicates: z.number().int().describe('events and orders already stored by an earlier request'),
  rejected: z.array(z.object({ index: z.number().int(), field: z.string(), reason: z.string() })),
});

export interface ItemRejection {
  index: number;
  field: string;
  reason: string;
}

export function ingestRoutes(t: RouteTable, ctx: ApiContext): void {
  const { storage, clock, metrics } = ctx;
  // Concurrent single-item requests share one write (the usual shape: many clients, one event or order each).
  const trackWrites = new GroupCommit((items: unknown[]) => trackEach(storage, clock, items, EDGE));
  const orderWrites = new GroupCommit((items: unknown[]) => recordEach(storage, clock, items, EDGE));
  /** A single-item request's answer: a 400 naming the body field, or whether it was a repeat. */
  const answer = (kind: 'track' | 'order', r: ItemOutcome) => {
    if (r.status === 'rejected') throw new ForesightError('invalid_input', `body.${r.message}`, { field: `body.${r.field}` });
    count(kind, r.status === 'accepted' ? 1 : 0, r.status === 'duplicate' ? 1 : 0, 0);
    return { ok: true, duplicate: r.status === 'duplicate' };
  };
  const before = [ingestLimiter(ctx.limits.ingestPerSecond, ctx.limits.ingestWindowMs)];
  const count = (kind: string, accepted: number, duplicates: number, rejected: number) => {
    if (accepted) metrics.ingested.inc({ kind, outcome: 'accepted' }, accepted);
    if (duplicates) metrics.ingested.inc({ kind, outcome: 'duplicate' }, duplicates);
    if (rejected) metrics.ingested.inc({ kind, outcome: 'rejected' }, rejected);
  };

  t.add({
    method: 'post',
    path: '/api/identify',
    tag: 'tracking',
    summary: 'Create or update a customer with traits (attributes merge; null removes one)',
    access: 'ingest',
    body: identifySchema,
    response: z.object({ ok: z.literal(true) }),
    before,
    cors: true,
    handler: async ({ body }) => {
      await identifyCustomers(storage, clock, [body]);
      count('identify', 1, 0, 0);
      return { ok: true };
    },
  });
  t.add({
    method: 'post',
    path: '/api/track',
    tag: 'tracking',
    summary: 'Record one event; a repeated idempotencyKey is accepted once',
    access: 'ingest',
    body: trackSchema,
    before,
    cors: true,
    status: 202,
    response: okResponse,
    handler: async ({ body }) => {
      return answer('track', await trackWrites.submit(body));
    },
  });
  t.add({
    method: 'post',
    path: '/api/orders',
    tag: 'tracking',
    summary: 'Record one order (and its purchase event); a repeated orderId is accepted once',
    access: 'ingest',
    body: orderSchema,
    before,
    cors: true,
    status: 202,
    response: okResponse,
    handler: async ({ body }) => {
      return answer('order', await orderWrites.submit(body));
    },
  });
  t.add({
    method: 'post',
    path: '/api/batch',
    tag: 'tracking',
    summary: `Up to ${MAX_BATCH} identify/track/order items; each is accepted or rejected with its index and reason`,
    access: 'ingest',
    body: batchBody,
    docBody: z.object({ batch: z.array(batchItemSchema).min(1).max(MAX_BATCH) }),
    bodyLimit: '20mb',
    response: batchResponse,
    before,
    cors: true,
    handler: async ({ body }) => {
      const rejected: ItemRejection[] = [];
      const identify: z.output<typeof identifySchema>[] = [];
      const track: z.output<typeof trackSchema>[] = [];
      const order: z.output<typeof orderSchema>[] = [];
      const orderIndex: number[] = [];
      const trackIndex: number[] = [];
      body.batch.forEach((item, index) => {
        const r = batchItemSchema.safeParse(item);
        if (!r.success) {
          const issue = r.error.issues[0]!;
          const field = ['batch', index, ...issue.path].join('.');
          rejected.push({ index, field, reason: `${field}: ${issue.message}` });
        } else if (r.data.kind === 'identify') {
          // Each kind takes no field it does not know, `kind` included.
          const { kind: _kind, ...item } = r.data;
          identify.push(item);
        } else if (r.data.kind === 'track') {
          const { kind: _kind, ...item } = r.data;
          track.push(item);
          trackIndex.push(index);
        } else {
          const { kind: _kind, ...item } = r.data;
          order.push(item);
          orderIndex.push(index);
        }
      });
      // Customers first, so the events and orders of this batch see their traits.
      const ids = identify.length ? await identifyCustomers(storage, clock, identify) : null;
      const events = track.length ? await trackEvents(storage, clock, track, EDGE) : null;
      const orders = order.length ? await recordOrders(storage, clock, order, EDGE) : null;
      // A time in the future; an order id already stored for another customer.
      const refused = (result: IngestResult | null, at: number[]) => {
        for (const x of result?.rejected ?? []) {
          const index = at[x.index]!;
          rejected.push({ index, field: `batch.${index}.${x.field}`, reason: `batch.${index}.${x.message}` });
        }
      };
      refused(events, trackIndex);
      refused(orders, orderIndex);
      rejected.sort((a, b) => a.index - b.index);
      count('identify', ids?.accepted ?? 0, 0, 0);
      count('track', events?.accepted ?? 0, events?.duplicates ?? 0, 0);
      count('order', orders?.accepted ?? 0, orders?.duplicates ?? 0, 0);
      count('batch', 0, 0, rejected.length);
      return {
        ok: rejected.length === 0,
        accepted: { identify: ids?.accepted ?? 0, track: events?.accepted ?? 0, order: orders?.accepted ?? 0 },
        duplicates: (events?.duplicates ?? 0) + (orders?.duplicates ?? 0),
        rejected,
      };
    },
  });
}

