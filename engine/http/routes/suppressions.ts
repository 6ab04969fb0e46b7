import { z } from 'zod';
import { ForesightError } from '../../core/errors.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) });
const liftBody = z.object({
  reason: z.string().trim().min(1, 'name the reason to lift, e.g. bounce').max(100),
  since: z.iso.datetime({ offset: true, error: 'an ISO 8601 time with offset, e.g. 2024-03-01T09:00:00Z' }).optional(),
  until: z.iso.datetime({ offset: true, error: 'an ISO 8601 time with offset, e.g. 2024-03-01T10:00:00Z' }).optional(),
});
const addBody = z.object({
  entries: z
    .array(z.object({ email: z.email('not a valid email address'), reason: z.string().trim().min(1).max(100).default('manual') }))
    .min(1, 'give at least one address')
    .max(10_000),
});

/** The suppression list (stored by the messaging side); every send checks it. */
export function suppressionRoutes(t: RouteTable, ctx: ApiContext): void {
  t.add({ method: 'get', path: '/api/suppressions', tag: 'privacy', summary: 'Addresses no mail may go to', access: 'builder', query: listQuery, handler: async ({ query }) => ({ suppressions: await ctx.storage.suppressions.list(query) }) });
  t.add({
    method: 'post',
    path: '/api/suppressions',
    tag: 'privacy',
    summary: 'Add addresses to the suppression list',
    access: 'builder',
    body: addBody,
    handler: async ({ body }) => {
      await ctx.storage.suppressions.add(body.entries, ctx.clock.now().getTime());
      return { added: body.entries.length };
    },
  });
  t.add({
    method: 'post',
    path: '/api/suppressions/lift',
    tag: 'privacy',
    summary: 'Lift suppressions in bulk by reason and time added (e.g. bounces recorded during a relay outage)',
    access: 'admin',
    body: liftBody,
    handler: async ({ body }) => ({
      lifted: await ctx.storage.suppressions.lift({ reason: body.reason, since: body.since ? Date.parse(body.since) : undefined, until: body.until ? Date.parse(body.until) : undefined }),
    }),
  });
  t.add({
    method: 'delete',
    path: '/api/suppressions/:email',
    tag: 'privacy',
    summary: 'Remove an address from the suppression list',
    access: 'builder',
    handler: async ({ params }) => {
      if (!(await ctx.storage.suppressions.remove(params.email!))) throw new ForesightError('not_found', `email: "${params.email}" is not on the suppression list`, { field: 'email' });
      return { removed: true };
    },
  });
}
