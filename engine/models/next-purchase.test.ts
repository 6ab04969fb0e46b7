import { describe, expect, it } from 'vitest';
import { PUBLISHED_BGNBD } from './cdnow.fixture.ts';
import { computeFeatures } from './features.ts';
import { fitCycleStats, isOverdue, nextPurchaseModel } from './next-purchase.ts';
import { createRng } from './rng.ts';
import { dateOfDay, dayNumber, MS_PER_DAY } from './time.ts';
import type { Order } from './types.ts';

const start = dayNumber(new Date('2020-01-01T00:00:00Z'));
const ordersOnDays = (customerId: string, days: readonly number[]): Order[] =>
  days.map((d, k) => ({ customerId, orderId: `${customerId}-${k}`, orderedAt: dateOfDay(start + d), amount: 10 }));

/** A population whose customers have mean log gap μ_i ~ N(log 40, 0.3²) and log-gap noise 0.4. */
function population(customers: number, gapsEach: number): Order[] {
  const rng = createRng(11);
  const orders: Order[] = [];
  for (let c = 0; c < customers; c++) {
    const mu = Math.log(40) + 0.3 * rng.normal();
    const days = [0];
    for (let k = 0; k < gapsEach; k++) days.push(days[days.length - 1]! + Math.max(1, Math.round(Math.exp(mu + 0.4 * rng.normal()))));
    orders.push(...ordersOnDays(`p${c}`, days));
  }
  return orders;
}

describe('next purchase', () => {
  const cutoff = dateOfDay(start + 2000);

  it('recovers the empirical-Bayes hyperparameters of log gaps', () => {
    const stats = fitCycleStats(computeFeatures({ orders: population(3000, 6), cutoff, timeUnit: 'day' }));
    expect(stats.customers).toBe(3000);
    expect(stats.mu0).toBeCloseTo(Math.log(40), 1);
    // Rounding gaps to whole days adds a little noise; the truth is σ² = 0.16, τ² = 0.09.
    expect(stats.sigma2).toBeGreaterThan(0.14);
    expect(stats.sigma2).toBeLessThan(0.18);
    expect(stats.tau2).toBeGreaterThan(0.07);
    expect(stats.tau2).toBeLessThan(0.11);
  });

  it('shrinks a regular buyer’s own cycle towards the population by precision', () => {
    const orders = [...population(2000, 6), ...ordersOnDays('r', [1500, 1520, 1540, 1560])];
    const table = computeFeatures({ orders, cutoff: dateOfDay(start + 1570), timeUnit: 'day' });
    const stats = fitCycleStats(table);
    const i = table.ids.indexOf('r');
    const next = nextPurchaseModel({ cycle: stats, timeUnit: 'day' }).predict(table, i);
    expect(next.source).toBe('own-cycle');
    // Posterior mean of the log cycle: precision-weighted blend of log 20 (3 gaps) and μ₀.
    const precision = 1 / stats.tau2 + 3 / stats.sigma2;
    const mu = (stats.mu0 / stats.tau2 + (3 * Math.log(20)) / stats.sigma2) / precision;
    expect(next.cycleDays).toBeCloseTo(Math.exp(mu), 10);
    expect(next.cycleDays).toBeGreaterThan(20);
    expect(next.cycleDays).toBeLessThan(40);
    expect((next.at.getTime() - dateOfDay(start + 1560).getTime()) / MS_PER_DAY).toBeCloseTo(Math.exp(mu), 5);
    expect(next.low.getTime()).toBeLessThan(next.at.getTime());
    expect(next.high.getTime()).toBeGreaterThan(next.at.getTime());
    // Overdue only after the upper end of the interval.
    expect(isOverdue(next, next.at)).toBe(false);
    expect(isOverdue(next, new Date(next.high.getTime() + MS_PER_DAY))).toBe(true);
    // The allocation-free form gives the same instants as day numbers.
    const days = nextPurchaseModel({ cycle: stats, timeUnit: 'day' }).predictDays(table, i, { at: 0, low: 0, high: 0, source: 'bgnbd', cycleDays: 0 });
    expect(days.at * MS_PER_DAY).toBeCloseTo(next.at.getTime(), -1);
    expect(days.source).toBe('own-cycle');
  });

  it('uses the BG/NBD posterior wait for irregular buyers', () => {
    const asOf = dateOfDay(start + 273);
    const table = computeFeatures({ orders: ordersOnDays('b', [0, 70]), cutoff: asOf, timeUnit: 'week' });
    const p = PUBLISHED_BGNBD;
    const next = nextPurchaseModel({ cycle: fitCycleStats(table), bgnbd: p, timeUnit: 'week', coverage: 0.5 }).predict(table, 0);
    expect(next.source).toBe('bgnbd');
    // P(W > w) = (β/(β+w))^s: the median and quartiles solve it for 1/2, 3/4 and 1/4.
    const s = p.r + 1;
    const beta = p.alpha + 39;
    const survival = (d: Date): number => (beta / (beta + (d.getTime() - asOf.getTime()) / MS_PER_DAY / 7)) ** s;
    expect(survival(next.at)).toBeCloseTo(0.5, 3);
    expect(survival(next.low)).toBeCloseTo(0.75, 3);
    expect(survival(next.high)).toBeCloseTo(0.25, 3);
    expect(isOverdue(next, new Date(next.high.getTime() + 1e10))).toBe(false);
  });

  it('falls back to the population cycle, capped to a valid date', () => {
    const table = computeFeatures({ orders: [...population(500, 4), ...ordersOnDays('one', [100])], cutoff, timeUnit: 'day' });
    const stats = fitCycleStats(table);
    const i = table.ids.indexOf('one');
    const next = nextPurchaseModel({ cycle: stats, timeUnit: 'day' }).predict(table, i);
    expect(next.source).toBe('population');
    expect(next.cycleDays).toBeCloseTo(Math.exp(stats.mu0), 10);
    // A one-time buyer under BG/NBD with tiny r waits "forever": capped at maxDays.
    const far = nextPurchaseModel({ cycle: stats, bgnbd: { r: 0.01, alpha: 100, a: 1, b: 1 }, timeUnit: 'day', maxDays: 365 }).predict(table, i);
    expect((far.high.getTime() - cutoff.getTime()) / MS_PER_DAY).toBe(365);
    expect(() => nextPurchaseModel({ cycle: stats, timeUnit: 'day', coverage: 1 })).toThrow(/coverage = 1/);
  });
});
