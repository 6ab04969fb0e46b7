import { describe, expect, it } from 'vitest';
import { expectedPurchases } from './bgnbd.ts';
import { PUBLISHED_BGNBD } from './cdnow.fixture.ts';
import { createClv } from './clv.ts';
import { bgnbdModel } from './purchase-model.ts';

describe('createClv', () => {
  const p = PUBLISHED_BGNBD;

  it('is expected spend when not discounted', () => {
    const clv = createClv(bgnbdModel({ params: p, logLik: 0, customers: 1, converged: true }), { horizon: 39, periodLength: 4.348, discountRate: 0 });
    expect(clv(2, 30.43, 38.86, 30)).toBeCloseTo(30 * expectedPurchases(p, 2, 30.43, 38.86, 39), 10);
  });

  it('discounts each period at its end (lifetimes convention)', () => {
    const clv = createClv(bgnbdModel({ params: p, logLik: 0, customers: 1, converged: true }), { horizon: 3, periodLength: 1, discountRate: 0.1 });
    const e = [1, 2, 3].map((t) => expectedPurchases(p, 5, 20, 30, t));
    const manual = 10 * (e[0]! / 1.1 + (e[1]! - e[0]!) / 1.1 ** 2 + (e[2]! - e[1]!) / 1.1 ** 3);
    expect(clv(5, 20, 30, 10)).toBeCloseTo(manual, 10);
    // A partial last period is cut at the horizon.
    const partial = createClv(bgnbdModel({ params: p, logLik: 0, customers: 1, converged: true }), { horizon: 2.5, periodLength: 1, discountRate: 0 });
    expect(partial(5, 20, 30, 10)).toBeCloseTo(10 * expectedPurchases(p, 5, 20, 30, 2.5), 10);
  });

  it('rejects bad options, naming them', () => {
    expect(() => createClv(bgnbdModel({ params: p, logLik: 0, customers: 1, converged: true }), { horizon: 0, periodLength: 1, discountRate: 0 })).toThrow(/horizon = 0/);
    expect(() => createClv(bgnbdModel({ params: p, logLik: 0, customers: 1, converged: true }), { horizon: 1, periodLength: 1, discountRate: -0.1 })).toThrow(/discountRate = -0.1/);
  });
});
