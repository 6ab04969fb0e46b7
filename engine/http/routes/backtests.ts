import { z } from 'zod';
import { ForesightError } from '../../core/errors.ts';
import { timeSchema } from '../../ingest/schemas.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';
import { graphSchema } from './journeys.ts';

const startBody = z.object({ from: timeSchema, to: timeSchema, graph: graphSchema.optional() });
const jobView = z.object({
  id: z.string(),
  journeyId: z.string(),
  status: z.enum(['loading', 'running', 'done', 'failed', 'cancelled']),
  progress: z.object({ done: z.number().int(), total: z.number().int() }).describe('replayed rows done out of the rows in the period'),
  result: z.unknown().describe('when done: the shape of `foresight simulate --json`'),
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }).nullable(),
});
const jobResponse = z.object({ job: jobView });

/** Backtests as jobs: started here, replayed in a worker thread, polled for progress, cancellable. */
export function backtestRoutes(t: RouteTable, ctx: ApiContext): void {
  t.add({
    method: 'post',
    path: '/api/journeys/:id/backtest',
    tag: 'journeys',
    summary: 'Start replaying stored data between from and to through the journey (default: its draft); nothing is sent. Poll GET /api/backtests/{jobId}',
    access: 'builder',
    body: startBody,
    bodyLimit: '5mb',
    status: 202,
    response: jobResponse,
    handler: async ({ params, body, res }) => {
      const j = await ctx.storage.journeys.get(params.id!);
      if (!j) throw new ForesightError('not_found', `journey "${params.id}" does not exist`, { field: 'id' });
      if (body.to.getTime() < body.from.getTime()) throw new ForesightError('invalid_input', 'body.to: must not be before body.from', { field: 'body.to' });
      const graph = { ...((body.graph ?? j.draft) as Record<string, unknown>), id: j.id, name: j.name };
      // An invalid journey is answered now, with its problems, rather than as a failed job.
      const v = await ctx.journeys.validate(graph);
      if (!v.ok) {
        res.status(400).json({ error: { code: 'invalid_journey', message: `journey "${j.id}" has ${v.problems.length} problem(s); fix them and run the backtest again` }, problems: v.problems.map((p) => ({ ...p, code: 'invalid_journey' })) });
        return undefined;
      }
      return { job: ctx.backtests.start(j.id, graph, body.from, body.to) };
    },
  });
  t.add({ method: 'get', path: '/api/backtests/:jobId', tag: 'journeys', summary: 'A backtest job: status, progress and, when done, the result', access: 'builder', response: jobResponse, handler: ({ params }) => ({ job: ctx.backtests.get(params.jobId!) }) });
  t.add({ method: 'delete', path: '/api/backtests/:jobId', tag: 'journeys', summary: 'Cancel a backtest that is still running', access: 'builder', response: jobResponse, handler: ({ params }) => ({ job: ctx.backtests.cancel(params.jobId!) }) });
}
