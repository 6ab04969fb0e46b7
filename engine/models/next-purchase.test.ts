import { describe, expect, it } from 'vitest';
import { fitBgnbd, pAlive } from './bgnbd.ts';
import { computeFeatures, featuresAt, indexOrders, purchaseDaysBetween } from './features.ts';
import { auc } from './metrics.ts';
import { fitCycleStats, nextPurchaseModel, overdueProbability } from './next-purchase.ts';
import { bgnbdModel } from './purchase-model.ts';
import { createRng } from './rng.ts';
import { generatePopulation } from './synthetic.ts';
import { dateOfDay, dayNumber } from './time.ts';
import type { Order } from './types.ts';

const start = dayNumber(new Date('2020-01-01T00:00:00Z'));
const ordersOnDays = (customerId: string, days: readonly number[]): Order[] =>
  days.map((d, k) => ({ customerId, orderId: `${customerId}-${k}`, orderedAt: dateOfDay(start + d), amount: 10 }));
const known = (params: { r: number; alpha: number; a: number; b: number }) => bgnbdModel({ params, logLik: 0, customers: 1, converged: true });

/** Regular buyers: mean log gap μ_i ~ N(log 40, 0.3²), log-gap noise 0.4; `gapsEach + 1` gaps, the last one the future. */
function regularBuyers(customers: number, gapsEach: number, seed: number, from = 0): { orders: Order[]; days: number[][] } {
  const rng = createRng(seed);
  const orders: Order[] = [];
  const days: number[][] = [];
  for (let c = 0; c < customers; c++) {
    const mu = Math.log(40) + 0.3 * rng.normal();
    const d = [from + rng.int(30)];
    for (let k = 0; k <= gapsEach; k++) d.push(d[d.length - 1]! + Math.max(1, Math.round(Math.exp(mu + 0.4 * rng.normal()))));
    days.push(d);
    orders.push(...ordersOnDays(`p${c}`, d));
  }
  return { orders, days };
}

describe('next purchase', () => {
  it('recovers the empirical-Bayes hyperparameters of log gaps', () => {
    const { orders } = regularBuyers(3000, 5, 11);
    const stats = fitCycleStats(computeFeatures({ orders, cutoff: dateOfDay(start + 5000), timeUnit: 'day' }));
    expect(stats.customers).toBe(3000);
    expect(stats.mu0).toBeCloseTo(Math.log(40), 1);
    // Rounding gaps to whole days adds a little noise; the truth is σ² = 0.16, τ² = 0.09.
    expect(stats.sigma2).toBeGreaterThan(0.14);
    expect(stats.sigma2).toBeLessThan(0.18);
    expect(stats.tau2).toBeGreaterThan(0.07);
    expect(stats.tau2).toBeLessThan(0.11);
  });

  it('churn = P(no purchase in 90 days) is calibrated and ranks far better than 1 − P(alive) on a base with known parameters', () => {
    const end = new Date('2025-06-30T00:00:00Z');
    const truth = { r: 0.5, alpha: 10, a: 1.2, b: 3 };
    const { orders } = generatePopulation({
      customers: 6000,
      seed: 21,
      bgnbd: truth,
      gammaGamma: { p: 6, q: 4, gamma: 15 },
      start: new Date('2024-01-01T00:00:00Z'),
      acquisitionDays: 180,
      end: new Date(end.getTime() + 90 * 86_400_000),
      timeUnit: 'week',
    });
    const index = indexOrders(orders);
    const table = featuresAt(index, end, 'week');
    const lapsed = purchaseDaysBetween(index, table, table.cutoffDay, table.cutoffDay + 90).map((n) => (n === 0 ? 1 : 0));
    const next = nextPurchaseModel({ cycle: fitCycleStats(table), model: known(truth), timeUnit: 'week', horizonDays: 365 });
    const churn = new Float64Array(table.buyers);
    const oldChurn = new Float64Array(table.buyers);
    let meanChurn = 0;
    let lapsedShare = 0;
    for (let i = 0; i < table.buyers; i++) {
      churn[i] = 1 - next.probabilityWithin(table, i, 90);
      oldChurn[i] = 1 - pAlive(truth, table.x[i]!, table.tx[i]!, table.T[i]!);
      meanChurn += churn[i]! / table.buyers;
      lapsedShare += lapsed[i]! / table.buyers;
    }
    expect(Math.abs(meanChurn - lapsedShare)).toBeLessThan(0.02);
    expect(auc(churn, lapsed)).toBeGreaterThan(0.75);
    expect(auc(churn, lapsed)).toBeGreaterThan(auc(oldChurn, lapsed) + 0.1);
    // One-time buyers get a churn probability too, and a longer silence raises it.
    const oneTimers = [...Array(table.buyers).keys()].filter((i) => table.x[i] === 0).sort((i, j) => table.daysSinceLast[i]! - table.daysSinceLast[j]!);
    expect(churn[oneTimers[0]!]!).toBeGreaterThan(0);
    expect(churn[oneTimers[oneTimers.length - 1]!]!).toBeGreaterThan(churn[oneTimers[0]!]!);
  });

  it('conditions on the silence since the last order: never a date in the past, sooner once a regular buyer is due', () => {
    // A background of regular buyers active around the as-of day, and a 20-day buyer seen 5 days and 18 days after the last order.
    const { orders } = regularBuyers(500, 4, 5, 900);
    const own = ordersOnDays('r', [1000, 1020, 1040, 1060]);
    const at = (silence: number) => {
      const table = computeFeatures({ orders: [...orders, ...own], cutoff: dateOfDay(start + 1060 + silence), timeUnit: 'day' });
      const model = bgnbdModel(fitBgnbd(table));
      const next = nextPurchaseModel({ cycle: fitCycleStats(table), model, timeUnit: 'day', horizonDays: 365 });
      const i = table.ids.indexOf('r');
      return next.predictDays(table, i, { at: 0, low: 0, high: 0, source: 'model', cycleDays: 0, deciles: new Float64Array(9) });
    };
    const early = at(5);
    const late = at(18);
    expect(early.source).toBe('own-cycle');
    expect(early.at).toBeGreaterThanOrEqual(1);
    expect(late.at).toBeGreaterThanOrEqual(1);
    // Days from the as-of day: the remaining part of the cycle, not the whole cycle again.
    expect(early.at).toBeLessThan(25);
    expect(late.at).toBeLessThan(early.at);
    expect(early.low).toBeLessThanOrEqual(early.at);
    expect(early.high).toBeGreaterThanOrEqual(early.at);
  });

  it('leaves the date empty when P(purchased) does not reach 50 % within the horizon (no 10-year dates)', () => {
    const table = computeFeatures({ orders: ordersOnDays('one', [0]), cutoff: dateOfDay(start + 300), timeUnit: 'week' });
    const next = nextPurchaseModel({ cycle: fitCycleStats(table), model: known({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }), timeUnit: 'week', horizonDays: 273 });
    const d = next.predictDays(table, 0, { at: 0, low: 0, high: 0, source: 'model', cycleDays: 0, deciles: new Float64Array(9) });
    expect(Number.isNaN(d.at)).toBe(true);
    expect(Number.isNaN(d.high)).toBe(true);
    expect(next.probabilityWithin(table, 0, 273)).toBeLessThan(0.5);
    // A one-time buyer long past the population's typical gap is overdue.
    expect(overdueProbability(table, 0, fitCycleStats(table))).toBeGreaterThan(0.5);
  });

  it('serves replenishment: predicted right after an order, the 80 % interval covers about 80 % of next gaps', () => {
    const { orders, days } = regularBuyers(1500, 5, 9);
    let covered = 0;
    let total = 0;
    // Each customer is judged as of the day of their last known order (the future gap excluded).
    const byLastDay = new Map<number, number[]>();
    days.forEach((d, c) => byLastDay.set(d[d.length - 2]!, [...(byLastDay.get(d[d.length - 2]!) ?? []), c]));
    const index = indexOrders(orders);
    for (const [lastDay, customers] of byLastDay) {
      const table = featuresAt(index, dateOfDay(start + lastDay), 'day');
      const next = nextPurchaseModel({ cycle: fitCycleStats(table), model: bgnbdModel(fitBgnbdCached(table)), timeUnit: 'day', horizonDays: 365 });
      for (const c of customers) {
        const i = table.ids.indexOf(`p${c}`);
        const d = next.predictDays(table, i, { at: 0, low: 0, high: 0, source: 'model', cycleDays: 0, deciles: new Float64Array(9) });
        const gap = days[c]![days[c]!.length - 1]! - lastDay;
        total++;
        if (gap >= d.low && gap <= d.high) covered++;
      }
    }
    expect(covered / total).toBeGreaterThan(0.72);
    expect(covered / total).toBeLessThan(0.88);
  });
});

// One BG/NBD fit per distinct table size keeps the replenishment test quick (fits barely move day to day).
const fits = new Map<number, ReturnType<typeof fitBgnbd>>();
function fitBgnbdCached(table: Parameters<typeof fitBgnbd>[0] & { buyers: number }): ReturnType<typeof fitBgnbd> {
  const key = Math.round(table.buyers / 100);
  if (!fits.has(key)) fits.set(key, fitBgnbd(table));
  return fits.get(key)!;
}
