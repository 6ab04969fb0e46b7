import { z } from 'zod';
import { UNKNOWN_POLICY } from '../../executor/group-commit.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';

const listQuery = z.object({
  status: z.enum(['pending', 'claimed', 'sending', 'sent', 'skipped', 'failed', 'unknown', 'cancelled']).optional(),
  kind: z.string().trim().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const requeueBody = z.object({
  status: z.enum(['unknown', 'failed'], { error: 're-queue entries whose status is unknown or failed' }),
  keys: z.array(z.string().min(1)).min(1, 'give at least one key, or leave keys out to re-queue every entry of that status').max(10_000).optional(),
});
const resumeBody = z.object({ kind: z.string().trim().min(1).optional() });

/** Delivery health (outbox counts, paused kinds, alerts) and the operator's actions on it. */
export function outboxRoutes(t: RouteTable, ctx: ApiContext): void {
  t.add({
    method: 'get',
    path: '/api/delivery',
    tag: 'ops',
    summary: 'Outbox counts by status, kinds of delivery paused by the circuit breaker (with why), recent failure rates',
    access: 'builder',
    handler: async () => ({ outbox: await ctx.storage.outbox.countByStatus(), ...ctx.delivery.status(), unknownPolicy: UNKNOWN_POLICY }),
  });
  t.add({
    method: 'post',
    path: '/api/delivery/resume',
    tag: 'ops',
    summary: 'Resume a paused kind of delivery (or all) now, after fixing the relay',
    access: 'admin',
    body: resumeBody,
    handler: async ({ body }) => ({ resumed: ctx.delivery.resume(body.kind) }),
  });
  t.add({
    method: 'get',
    path: '/api/outbox',
    tag: 'ops',
    summary: 'Outbox entries, e.g. ?status=unknown',
    access: 'builder',
    query: listQuery,
    handler: async ({ query }) => ({ entries: await ctx.storage.outbox.list(query), ...(query.status === 'unknown' ? { policy: UNKNOWN_POLICY } : {}) }),
  });
  t.add({
    method: 'post',
    path: '/api/outbox/requeue',
    tag: 'ops',
    summary: 'Send unknown (or failed) entries again: all of that status, or the given keys',
    access: 'admin',
    body: requeueBody,
    handler: async ({ body }) => ({ requeued: await ctx.storage.outbox.requeue(body, ctx.clock.now().getTime()) }),
  });
}
