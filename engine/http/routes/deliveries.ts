import { z } from 'zod';
import { ForesightError } from '../../core/errors.ts';
import type { DeliveryLogFilter } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';

const STATUSES = ['pending', 'claimed', 'sending', 'sent', 'skipped', 'failed', 'unknown', 'cancelled'] as const;
const logQuery = z.object({
  search: z.string().trim().min(1).max(200).optional().describe('part of an email address, or a customer id'),
  status: z.enum(STATUSES, { error: `status must be one of ${STATUSES.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1, 'limit must be 1 to 200').max(200, 'limit must be 1 to 200').default(50),
  offset: z.coerce.number().int().min(0, 'offset must be 0 or more').default(0),
});

/** Delivery logs: every message of a journey or to a customer, newest first, read from the outbox as it settles. */
export function deliveryRoutes(t: RouteTable, ctx: ApiContext): void {
  const { storage } = ctx;
  const page = async (filter: DeliveryLogFilter) => ({ ...(await storage.analytics.deliveries(filter)), limit: filter.limit, offset: filter.offset });
  t.add({
    method: 'get',
    path: '/api/journeys/:id/deliveries',
    tag: 'journeys',
    summary: "The journey's delivery log: what was sent, when, to which address, outcome and error; ?search=&status=&limit=&offset=",
    access: 'builder',
    query: logQuery,
    handler: async ({ params, query }) => {
      if (!(await storage.journeys.get(params.id!))) throw new ForesightError('not_found', `journey "${params.id}" does not exist`, { field: 'id' });
      return page({ journeyId: params.id!, ...query });
    },
  });
  t.add({
    method: 'get',
    path: '/api/customers/:externalId/deliveries',
    tag: 'customers',
    summary: "The customer's delivery log across journeys; ?status=&limit=&offset=",
    access: 'builder',
    query: logQuery.omit({ search: true }),
    handler: async ({ params, query }) => {
      const c = await storage.customers.byExternalId(params.externalId!);
      if (!c) throw new ForesightError('not_found', `customer "${params.externalId}" does not exist`, { field: 'externalId' });
      return page({ customerId: c.id, ...query });
    },
  });
}
