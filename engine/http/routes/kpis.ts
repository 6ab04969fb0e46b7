import { DateTime } from 'luxon';
import { z } from 'zod';
import { ForesightError } from '../../core/errors.ts';
import { isValidTimeZone, readInstant } from '../../core/time.ts';
import { cohortTable, KPI_SPLITS, NPS_EVENTS, periodKpis, splitKpis, type KpiSplit } from '../../kpis/index.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';

const DAY = 86_400_000;
const instant = (field: string) =>
  z
    .string()
    .optional()
    .refine((v) => v === undefined || readInstant(v) !== null, { message: `write ${field} as an ISO date or time, e.g. 2024-03-01 or 2024-03-01T00:00:00Z` })
    .transform((v) => (v === undefined ? undefined : readInstant(v)!.getTime()));

const kpiQuery = z
  .object({
    from: instant('from').describe('Period start (inclusive); default 30 days before `to`'),
    to: instant('to').describe('Period end (exclusive); default now'),
    compareFrom: instant('compareFrom').describe('Comparison period start; default the period just before, of the same length'),
    compareTo: instant('compareTo').describe('Comparison period end; default `from`'),
    split: z.enum(Object.keys(KPI_SPLITS) as [KpiSplit, ...KpiSplit[]], { error: `use one of ${Object.keys(KPI_SPLITS).join(', ')}` }).optional(),
    acquisitionSpend: z.coerce.number({ error: 'must be a number' }).min(0, 'must be 0 or more').optional().describe('Acquisition spend in the period, for CAC and CLV:CAC'),
    cohortMonths: z.coerce.number({ error: 'must be a number' }).int().min(1).max(36).default(12).describe('Acquisition months in the cohort table, ending with the period'),
    zone: z.string().default('UTC').refine(isValidTimeZone, { message: 'name an IANA time zone, e.g. Europe/Berlin' }).describe('Zone of the cohort months'),
    npsEvents: z.string().max(200).optional().describe(`Comma-separated event types read as NPS answers (default ${NPS_EVENTS.join(',')})`),
  });

/** The KPI page: every lifecycle KPI for a period and a comparison period, an optional split, and the cohort table. */
export function kpiRoutes(t: RouteTable, ctx: ApiContext): void {
  t.add({
    method: 'get',
    path: '/api/kpis',
    tag: 'insights',
    summary: 'Lifecycle KPIs (retention, churn, repeat rate, AOV, CLV, CLV:CAC, NPS, email funnel) for a period and a comparison period, with formulas',
    access: 'builder',
    query: kpiQuery,
    handler: async ({ query: q }) => {
      const to = q.to ?? ctx.clock.now().getTime();
      const from = q.from ?? to - 30 * DAY;
      const compareTo = q.compareTo ?? from;
      const compareFrom = q.compareFrom ?? compareTo - (to - from);
      if (from >= to) throw new ForesightError('invalid_input', 'query.from: must be before to (default: now)', { field: 'query.from' });
      if (compareFrom >= compareTo) throw new ForesightError('invalid_input', 'query.compareFrom: must be before compareTo (default: from)', { field: 'query.compareFrom' });
      const opts = { acquisitionSpend: q.acquisitionSpend, npsEvents: q.npsEvents?.split(',').map((s) => s.trim()).filter(Boolean) };
      const period = { from, to };
      const cohortFrom = DateTime.fromMillis(to - 1, { zone: q.zone }).startOf('month').minus({ months: q.cohortMonths - 1 }).toMillis();
      const [current, previous, split, cohorts] = await Promise.all([
        periodKpis(ctx.storage, period, opts),
        periodKpis(ctx.storage, { from: compareFrom, to: compareTo }, { npsEvents: opts.npsEvents }),
        q.split ? splitKpis(ctx.storage, period, q.split) : Promise.resolve(null),
        cohortTable(ctx.storage, { from: cohortFrom, to }, q.zone),
      ]);
      const before = new Map(previous.map((k) => [k.key, k.value]));
      return {
        period,
        comparison: { from: compareFrom, to: compareTo },
        kpis: current.map((k) => ({ ...k, previous: before.get(k.key) ?? null })),
        split,
        cohorts,
      };
    },
  });
}
