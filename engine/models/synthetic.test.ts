import { describe, expect, it } from 'vitest';
import { fitBgnbd } from './bgnbd.ts';
import { featuresAt, indexOrders } from './features.ts';
import { fitGammaGamma } from './gamma-gamma.ts';
import { generateEmailEvents, generatePopulation } from './synthetic.ts';

const bgnbd = { r: 0.5, alpha: 10, a: 1.2, b: 3 };
const gammaGamma = { p: 6, q: 4, gamma: 15 };
const end = new Date('2025-12-31T00:00:00Z');
const base = { bgnbd, gammaGamma, start: new Date('2024-01-01T00:00:00Z'), acquisitionDays: 182, end, timeUnit: 'week' as const };

describe('synthetic population', () => {
  it('is reproducible from its seed', () => {
    const a = generatePopulation({ ...base, customers: 50, seed: 9 });
    const b = generatePopulation({ ...base, customers: 50, seed: 9 });
    expect(b.orders).toEqual(a.orders);
    expect(generatePopulation({ ...base, customers: 50, seed: 10 }).orders).not.toEqual(a.orders);
  });

  it('lets the fits recover the true parameters within sampling error (20k customers)', () => {
    const { orders } = generatePopulation({ ...base, customers: 20_000, seed: 1 });
    const table = featuresAt(indexOrders(orders), end, 'week');
    const fit = fitBgnbd(table);
    expect(fit.converged).toBe(true);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      const error = fit.params[key] - bgnbd[key];
      expect(Math.abs(error) / bgnbd[key]).toBeLessThan(0.15);
      // Within 3 standard errors of the truth (same-day merging biases α up by ~1%).
      expect(Math.abs(error)).toBeLessThan(3 * fit.standardErrors[key]);
    }
    const gg = fitGammaGamma({ x: table.x, m: table.repeatMean });
    for (const key of ['p', 'q', 'gamma'] as const) {
      expect(Math.abs(gg.params[key] / gammaGamma[key] - 1)).toBeLessThan(0.1);
    }
  });

  it('draws products from each customer’s favourite group', () => {
    const { orders, truth } = generatePopulation({ ...base, customers: 200, seed: 3, items: { catalogue: 40, groups: 4, loyalty: 0.9 } });
    let inGroup = 0;
    let total = 0;
    for (const o of orders) {
      const g = truth.group[Number(o.customerId.slice(1)) - 1]!;
      for (const item of o.items ?? []) {
        total++;
        if (Math.floor((Number(item.slice(1)) - 1) / 10) === g) inGroup++;
      }
    }
    expect(inGroup / total).toBeGreaterThan(0.85);
  });

  it('draws email events with the stated open propensity', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `c${i}`);
    const { events, openPropensity } = generateEmailEvents({ ids, seed: 4, start: new Date('2024-01-01'), days: 140, sendEveryDays: 7, openA: 2, openB: 6, clickGivenOpen: 0.3 });
    const count = (type: string): number => events.filter((e) => e.type === type).length;
    expect(count('sent')).toBe(2000 * 20);
    expect(count('open') / count('sent')).toBeCloseTo(2 / 8, 1);
    expect(count('click') / count('open')).toBeCloseTo(0.3, 1);
    expect(openPropensity.reduce((s, v) => s + v, 0) / 2000).toBeCloseTo(0.25, 1);
  });
});
