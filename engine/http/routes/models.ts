import { latestModelReport, runScoringJob } from '../../models/job.ts';
import type { ApiContext } from '../context.ts';
import { insights } from '../insights.ts';
import type { RouteTable } from '../route-table.ts';

export function modelRoutes(t: RouteTable, ctx: ApiContext): void {
  t.add({ method: 'get', path: '/api/models/report', tag: 'models', summary: 'The last scoring run: fitted models, holdout AUC, calibration', access: 'builder', handler: async () => ({ report: await latestModelReport(ctx.storage) }) });
  t.add({
    method: 'post',
    path: '/api/models/refresh',
    tag: 'models',
    summary: 'Score every customer now (joins a run already in progress)',
    access: 'builder',
    handler: async () => ({ report: await runScoringJob(ctx.storage, ctx.clock) }),
  });
  t.add({
    method: 'get',
    path: '/api/insights',
    tag: 'models',
    summary: 'Customers per lifecycle stage, the RFM grid, the CLV distribution and the model report',
    access: 'builder',
    handler: async () => ({ ...(await insights(ctx.storage)), modelReport: await latestModelReport(ctx.storage) }),
  });
}
