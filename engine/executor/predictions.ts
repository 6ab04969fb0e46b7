import { median } from 'simple-statistics';
import type { OrderView, PurchasePrediction } from '../plugin/services.ts';

const DAY = 86_400_000;

/** Distinct purchase days, ascending (same-day orders are one purchase). */
export function purchaseDays(orders: readonly OrderView[]): number[] {
  const days = new Set<number>();
  for (const o of orders) days.add(Math.floor(o.orderedAt.getTime() / DAY));
  return [...days].sort((a, b) => a - b);
}

/**
 * The simple purchase-cycle predictor: the median gap between a customer's
 * purchase days after the last one; too little history falls back to the
 * population's cycle. The predictive-models scoring job replaces it with
 * stored model predictions when those exist.
 */
export function medianGapPrediction(orders: readonly OrderView[], populationCycleDays: number): PurchasePrediction | null {
  const days = purchaseDays(orders);
  if (days.length === 0) return null;
  const last = days[days.length - 1]!;
  const gaps = days.slice(1).map((d, i) => d - days[i]!);
  const own = gaps.length >= 2;
  const cycle = own ? median(gaps) : populationCycleDays;
  const spread = own ? Math.max(1, (Math.max(...gaps) - Math.min(...gaps)) / 2) : cycle / 2;
  return {
    at: new Date((last + cycle) * DAY),
    low: new Date((last + Math.max(1, cycle - spread)) * DAY),
    high: new Date((last + cycle + spread) * DAY),
    source: own ? 'median-gap' : 'population',
    cycleDays: cycle,
  };
}
