import { z } from 'zod';
import { requireCustomer } from '../../privacy/find.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';
import { customerView } from './customers.ts';

const profileQuery = z.object({
  events: z.coerce.number({ error: 'must be a number' }).int().min(1).max(1000).default(20).describe('How many recent events to include (raise it to page further back)'),
});

/**
 * The customer profile page in one call: profile, suppression, every stored score
 * (read generically by model name), orders, recent events, messages with their
 * outcome and journeys with the current step. The decision trace stays behind
 * GET /api/customers/:externalId/runs, one click away.
 */
export function customerProfileRoutes(t: RouteTable, ctx: ApiContext): void {
  const { storage } = ctx;
  t.add({
    method: 'get',
    path: '/api/customers/:externalId/profile',
    tag: 'customers',
    summary: 'Everything the profile page shows: attributes, consent, suppression, scores, orders, recent events, messages and journeys',
    access: 'builder',
    query: profileQuery,
    handler: async ({ params, query }) => {
      const c = await requireCustomer(storage, params.externalId!);
      const [suppression, scores, orders, events, messages, runs, journeys] = await Promise.all([
        c.email ? storage.suppressions.get(c.email) : Promise.resolve(null),
        storage.scores.forCustomer(c.id),
        storage.orders.list(c.id),
        storage.events.list(c.id, { limit: query.events }),
        storage.outbox.list({ customerId: c.id, limit: 200 }),
        storage.runs.forCustomer(c.id),
        storage.journeys.list(),
      ]);
      const journeyName = new Map(journeys.map((j) => [j.id, j.name]));
      return {
        customer: customerView(c),
        suppression,
        scores: scores.map((s) => ({ model: s.model, value: s.value, data: s.data, modelVersion: s.modelVersion, scoredAt: s.scoredAt })),
        orders: orders.map((o) => ({ orderId: o.orderId, orderedAt: o.orderedAt, amount: o.amount, quantity: o.quantity, items: o.items })),
        events: events.map((e) => ({ id: e.id, type: e.type, properties: e.properties, occurredAt: e.occurredAt })),
        messages: messages.map((m) => ({ key: m.key, journeyId: m.journeyId, nodeId: m.nodeId, kind: m.kind, status: m.status, attempts: m.attempts, lastError: m.lastError, createdAt: m.createdAt, updatedAt: m.updatedAt })),
        journeys: runs.map((r) => ({ runId: r.id, journeyId: r.journeyId, journeyName: journeyName.get(r.journeyId) ?? r.journeyId, version: r.version, status: r.status, nodeId: r.nodeId, enteredAt: r.enteredAt, endedAt: r.endedAt, endReason: r.endReason })),
      };
    },
  });
}
