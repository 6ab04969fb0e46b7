import { z } from 'zod';
import { ForesightError } from '../../core/errors.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) });
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
