import { z } from 'zod';
import { identifySchema, strictFields } from '../../ingest/schemas.ts';
import { exportCustomer } from '../../privacy/export.ts';
import { requireCustomer } from '../../privacy/find.ts';
import type { CustomerRecord } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';

const listQuery = z.object({
  search: z.string().max(200).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1).max(1000).default(50),
  offset: z.coerce.number({ error: 'must be a number' }).int().min(0).default(0),
});
const updateBody = strictFields(identifySchema.omit({ customerId: true }).shape);
const consentBody = z.record(z.string().regex(/^[a-z0-9_-]+$/i, 'name the channel, e.g. "email" or "sms"'), z.boolean({ error: 'must be true or false' }));

export const customerView = (c: CustomerRecord) => ({
  id: c.externalId,
  email: c.email,
  attributes: c.attributes,
  timezone: c.timezone,
  consent: c.consent,
  unsubscribedAt: c.unsubscribedAt,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

export function customerRoutes(t: RouteTable, ctx: ApiContext): void {
  const { storage } = ctx;
  const find = (externalId: string) => requireCustomer(storage, externalId);
  const now = () => ctx.clock.now().getTime();

  t.add({
    method: 'get',
    path: '/api/customers',
    tag: 'customers',
    summary: 'List customers; search matches id or email',
    access: 'builder',
    query: listQuery,
    handler: async ({ query }) => ({ customers: (await storage.customers.list(query)).map(customerView), total: await storage.customers.count(), limit: query.limit, offset: query.offset }),
  });
  t.add({
    method: 'get',
    path: '/api/customers/:externalId',
    tag: 'customers',
    summary: 'One customer with orders and model scores',
    access: 'builder',
    handler: async ({ params }) => {
      const c = await find(params.externalId!);
      return { customer: customerView(c), orders: await storage.orders.list(c.id), scores: await storage.scores.forCustomer(c.id) };
    },
  });
  t.add({
    method: 'patch',
    path: '/api/customers/:externalId',
    tag: 'customers',
    summary: 'Update email, attributes (merged; null removes), time zone or consent',
    access: 'builder',
    body: updateBody,
    handler: async ({ params, body }) => {
      const c = await find(params.externalId!);
      await storage.customers.upsert([{ externalId: c.externalId, ...body }], now());
      return { customer: customerView(await find(c.externalId)) };
    },
  });
  t.add({
    method: 'put',
    path: '/api/customers/:externalId/consent',
    tag: 'privacy',
    summary: 'Set consent per channel, e.g. { "email": true, "sms": false }',
    access: 'builder',
    body: consentBody,
    handler: async ({ params, body }) => {
      const c = await find(params.externalId!);
      await storage.customers.upsert([{ externalId: c.externalId, consent: body }], now());
      return { customer: customerView(await find(c.externalId)) };
    },
  });
  t.add({
    method: 'delete',
    path: '/api/customers/:externalId',
    tag: 'privacy',
    summary: 'Erase the customer: personal data removed, anonymised counts kept, open journeys ended',
    access: 'admin',
    handler: async ({ params }) => {
      const c = await find(params.externalId!);
      await storage.privacy.erase(c.id, now());
      ctx.log.info({ customer: c.id }, 'customer erased');
      return { erased: true };
    },
  });
  t.add({
    method: 'get',
    path: '/api/customers/:externalId/export',
    tag: 'privacy',
    summary: 'Everything held on the customer, as JSON',
    access: 'admin',
    handler: async ({ params, res }) => {
      const c = await find(params.externalId!);
      res.setHeader('Content-Disposition', `attachment; filename="customer-${encodeURIComponent(c.externalId)}.json"`);
      return exportCustomer(storage, c);
    },
  });
  t.add({
    method: 'get',
    path: '/api/customers/:externalId/runs',
    tag: 'customers',
    summary: "The customer's journey runs with their decision trace",
    access: 'builder',
    handler: async ({ params }) => {
      const c = await find(params.externalId!);
      const runs = await storage.runs.forCustomer(c.id);
      // Delivery outcomes belong in the trace: what each node queued, and whether it was sent, is being retried, or failed and why.
      const outbox = await storage.outbox.list({ customerId: c.id });
      const deliveriesOf = (runId: number) =>
        outbox
          .filter((o) => o.runId === runId)
          .map((o) => ({ nodeId: o.nodeId, kind: o.kind, status: o.status, attempts: o.attempts, retried: o.attempts > 1, reason: o.lastError, detail: o.detail, at: o.updatedAt }));
      return {
        runs: await Promise.all(
          runs.map(async (r) => ({
            id: r.id,
            journeyId: r.journeyId,
            version: r.version,
            status: r.status,
            nodeId: r.nodeId,
            enteredAt: r.enteredAt,
            endedAt: r.endedAt,
            endReason: r.endReason,
            history: (await storage.runs.history(r.id)).map((h) => ({ nodeId: h.nodeId, kind: h.kind, port: h.port ?? null, at: h.at, detail: h.detail ?? null })),
            deliveries: deliveriesOf(r.id),
          })),
        ),
      };
    },
  });
  t.add({
    method: 'get',
    path: '/api/customers/:externalId/events',
    tag: 'customers',
    summary: "The customer's latest events",
    access: 'builder',
    query: z.object({ type: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    handler: async ({ params, query }) => {
      const c = await find(params.externalId!);
      return { events: await storage.events.list(c.id, query) };
    },
  });
}
