import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';

/** Health for load balancers (public, 503 while shutting down) and Prometheus metrics (admin). */
export function opsRoutes(t: RouteTable, ctx: ApiContext, state: { draining: boolean }): void {
  t.add({
    method: 'get',
    path: '/healthz',
    tag: 'ops',
    summary: 'Liveness and database reachability; 503 while shutting down',
    access: 'public',
    handler: async ({ res }) => {
      if (state.draining) {
        res.status(503).json({ ok: false, draining: true });
        return undefined;
      }
      await ctx.storage.customers.count();
      // Still healthy (the rest runs), but say which journeys wait for a missing plugin.
      const unavailable = await ctx.journeys.unavailable();
      return unavailable.length ? { ok: true, details: { journeysWaiting: unavailable } } : { ok: true };
    },
  });
  t.add({
    method: 'get',
    path: '/metrics',
    tag: 'ops',
    summary: 'Prometheus metrics (text format)',
    access: 'admin',
    handler: async ({ res }) => {
      const m = await ctx.metrics.text();
      res.type(m.contentType).send(m.body);
      return undefined;
    },
  });
}
