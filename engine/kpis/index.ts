import { DateTime } from 'luxon';
import type { Storage, TimeRange } from '../storage/types.ts';
import { emailKpis, npsKpi, orderKpis, valueKpis, type Kpi } from './formulas.ts';

export { emailKpis, npsKpi, orderKpis, valueKpis, type Kpi } from './formulas.ts';

/** Splits by a label the models job stores: the score model and the data key holding the label. */
export const KPI_SPLITS = { lifecycle: { model: 'lifecycle', key: 'stage' }, valueTier: { model: 'value_tier', key: 'tier' } } as const;
export type KpiSplit = keyof typeof KPI_SPLITS;

/** Event types read as NPS answers (the NPS follow-up template records `nps_response`). */
export const NPS_EVENTS = ['nps', 'nps_response'];

export interface KpiOptions {
  acquisitionSpend?: number;
  npsEvents?: string[];
}

/** Every KPI of one period, each from an SQL aggregate. */
export async function periodKpis(storage: Storage, range: TimeRange, opts: KpiOptions = {}): Promise<Kpi[]> {
  const [[facts], nps, email, clv] = await Promise.all([
    storage.kpis.orders(range),
    storage.kpis.nps(range, opts.npsEvents ?? NPS_EVENTS),
    storage.kpis.email(range),
    storage.kpis.averageScore('clv'),
  ]);
  const orders = orderKpis(facts!);
  const clvHistoric = orders.find((k) => k.key === 'clvHistoric')!.value;
  return [...orders, ...valueKpis({ clvHistoric, clvPredicted: clv, acquisitionSpend: opts.acquisitionSpend, newCustomers: facts!.newCustomers }), npsKpi(nps), ...emailKpis(email)];
}

/** The order KPIs per label of a split (lifecycle stage or value tier). */
export async function splitKpis(storage: Storage, range: TimeRange, split: KpiSplit): Promise<{ group: string; kpis: Kpi[] }[]> {
  return (await storage.kpis.orders(range, KPI_SPLITS[split])).map((f) => ({ group: f.group, kpis: orderKpis(f) }));
}

/**
 * Retention by months since first order: one row per acquisition month from `from`
 * to `to` (months in `zone`), `retained[k]` = share of the cohort that ordered k months later.
 */
export async function cohortTable(storage: Storage, range: TimeRange, zone: string): Promise<{ month: string; customers: number; retained: (number | null)[] }[]> {
  const buckets: TimeRange[] = [];
  const months: string[] = [];
  const end = DateTime.fromMillis(range.to, { zone });
  for (let m = DateTime.fromMillis(range.from, { zone }).startOf('month'); m < end; m = m.plus({ months: 1 })) {
    buckets.push({ from: m.toMillis(), to: m.plus({ months: 1 }).toMillis() });
    months.push(m.toFormat('yyyy-MM'));
  }
  const cells = await storage.kpis.cohorts(buckets);
  return months.map((month, i) => {
    const size = cells.find((c) => c.cohort === i && c.offset === 0)?.customers ?? 0;
    const retained = Array.from({ length: months.length - i }, (_, k) => (size ? (cells.find((c) => c.cohort === i && c.offset === k)?.customers ?? 0) / size : null));
    return { month, customers: size, retained };
  });
}
