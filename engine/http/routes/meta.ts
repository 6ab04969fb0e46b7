import { z } from 'zod';
import { ForesightError } from '../../core/errors.ts';
import { toProfile } from '../../executor/engine.ts';
import { emailContext } from '../../messaging/context.ts';
import { renderEmail } from '../../messaging/render.ts';
import type { CustomerRecord } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';

const previewBody = z.object({
  subject: z.string().max(1000),
  html: z.string().max(1_000_000),
  text: z.string().max(1_000_000).optional(),
  customerId: z.string().min(1).max(200).optional().describe('External id of a customer to render for; a sample customer otherwise'),
});

/** A stand-in customer so an email can be previewed before any data exists. */
const SAMPLE: CustomerRecord = { id: 0, externalId: 'sample-customer', email: 'ada@example.com', attributes: { first_name: 'Ada', last_name: 'Lovelace' }, timezone: 'Europe/London', consent: { email: true }, unsubscribedAt: null, createdAt: 0, updatedAt: 0 };

export function metaRoutes(t: RouteTable, ctx: ApiContext): void {
  t.add({ method: 'get', path: '/api/node-types', tag: 'builder', summary: 'Node types with their config fields and ports', access: 'builder', handler: () => ({ nodeTypes: ctx.registry.descriptors() }) });
  t.add({
    method: 'post',
    path: '/api/preview/email',
    tag: 'builder',
    summary: 'Render an email for a customer (or a sample one)',
    access: 'builder',
    body: previewBody,
    bodyLimit: '2mb',
    handler: async ({ body }) => {
      let customer: CustomerRecord = SAMPLE;
      let scores: Awaited<ReturnType<typeof ctx.storage.scores.forCustomer>> = [];
      if (body.customerId) {
        const c = await ctx.storage.customers.byExternalId(body.customerId);
        if (!c) throw new ForesightError('not_found', `body.customerId: no customer "${body.customerId}"`, { field: 'body.customerId' });
        customer = c;
        scores = await ctx.storage.scores.forCustomer(c.id);
      }
      return renderEmail({ subject: body.subject, html: body.html, text: body.text }, emailContext(toProfile(customer), scores, { links: { unsubscribe: '#unsubscribe' } }));
    },
  });
}
