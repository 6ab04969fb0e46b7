import { describe, expect, it } from 'vitest';
import { pAlive } from './bgnbd.ts';
import { CALIBRATION_END, loadCdnowSample } from './cdnow.fixture.ts';
import { evaluateModels } from './evaluate.ts';
import { purchaseDaysBetween } from './features.ts';
import { auc } from './metrics.ts';
import type { Order } from './types.ts';

const HOLDOUT_END = new Date('1998-06-30T00:00:00Z');

describe('evaluateModels on the CDNOW sample (calibration to 1997-09-30, 39-week holdout)', async () => {
  const { orders, index, table } = await loadCdnowSample();
  const report = evaluateModels({ orders, calibrationEnd: CALIBRATION_END, holdoutEnd: HOLDOUT_END, timeUnit: 'week', resamples: 100 });

  it('sees the published holdout: 2,357 customers, 29 % buy again', () => {
    expect(report.customers).toBe(2357);
    expect(report.holdoutDays).toBe(273);
    expect(report.holdoutBuyerShare).toBeCloseTo(0.29, 2);
  });

  it("matches lifetimes' BG/NBD FHL table and compares every candidate model", () => {
    const x1 = report.fhl.find((r) => r.x === '1')!;
    expect(x1.customers).toBe(439);
    expect(x1.actual).toBeCloseTo(0.697, 3);
    expect(x1.predicted.bgnbd).toBeCloseTo(0.523, 3);
    expect(Object.keys(x1.predicted).sort()).toEqual(['bgnbd', 'mbgnbd', 'pareto-nbd']);
    expect(report.fhl.map((r) => r.x)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    // Tracking: 78 weeks of cumulative repeat purchases; the holdout's 1,882 repeat purchases on top of the calibration's.
    const last = report.tracking[report.tracking.length - 1]!;
    const atCut = report.tracking.find((p) => p.end >= '1997-09-30')!;
    expect(report.tracking).toHaveLength(78);
    expect(last.actual - atCut.actual).toBeGreaterThan(1800);
    expect(Math.abs(last.predicted.bgnbd! / last.actual - 1)).toBeLessThan(0.1);
    expect(report.purchaseModel.selection.reason).toMatch(/lowest mean absolute error/);
  });

  it('churn ranks who will not buy in the holdout (AUC ≥ 0.76) where 1 − P(alive) scored 0.316', () => {
    const churn = report.scores.find((s) => s.score === 'churn_probability' && s.outcome.includes('273-day holdout'))!;
    expect(churn.auc).toBeGreaterThanOrEqual(0.76);
    expect(churn.aucLow).toBeLessThan(churn.auc);
    expect(churn.aucHigh).toBeGreaterThan(churn.auc);
    expect(churn.usable).toBe(true);
    // The old definition on the same customers.
    const bought = purchaseDaysBetween(index, table, table.cutoffDay, table.cutoffDay + 273);
    const old = Float64Array.from({ length: table.buyers }, (_, i) => 1 - pAlive({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, table.x[i]!, table.tx[i]!, table.T[i]!));
    expect(auc(old, bought.map((n) => (n === 0 ? 1 : 0)))).toBeLessThan(0.4);
    // The out-of-time classifier (trained on the 90 days before the calibration end) ranks better than
    // days since the last order (0.771), which the purchase model alone only tied (0.766).
    expect(churn.auc).toBeGreaterThan(churn.baseline.auc);
    const propensity = report.scores.find((s) => s.score === 'purchase_propensity')!;
    // P(purchase in the 39 weeks): above BG/NBD's 0.757 and days since the last order; trained on a 90-day
    // window, so no Brier score against the 273-day outcome.
    expect(propensity.auc).toBeGreaterThan(propensity.baseline.auc);
    expect(propensity.brier).toBeNull();
    const p90 = report.scores.find((s) => s.score === 'purchase_probability_90d')!;
    expect(p90.auc).toBeGreaterThanOrEqual(0.76);
    expect(p90.brier!).toBeLessThan(p90.baseRateBrier!);
    expect(p90.calibration).toHaveLength(10);
  });

  it('next purchase: half of the due dates are met, the 80 % interval covers about 80 %, no past or far-off dates', () => {
    const n = report.nextPurchase;
    expect(n.boughtByDateShare!).toBeGreaterThan(0.4);
    expect(n.boughtByDateShare!).toBeLessThan(0.6);
    expect(n.coverage!).toBeGreaterThan(0.7);
    expect(n.coverage!).toBeLessThan(0.9);
    // The old dates erred by 144 days (median). A date is given only to customers more likely than not to
    // buy within the 90-day churn window: their error is ≤ 40 days (27 here); the distribution's median
    // anywhere in the horizon, which the wait falls back on, is reported beside it and errs more.
    expect(n.windowDays).toBe(90);
    expect(n.medianAbsErrorDays!).toBeLessThanOrEqual(40);
    expect(n.holdoutBuyersWithDate).toBeGreaterThan(50);
    expect(n.horizonMedian.withDate).toBeGreaterThan(n.withDate);
    expect(n.horizonMedian.medianAbsErrorDays!).toBeGreaterThan(n.medianAbsErrorDays!);
    expect(n.deciles[4]!).toBeGreaterThan(0.4);
    expect(n.deciles[4]!).toBeLessThan(0.6);
  });

  it('compares predicted CLV with realised holdout spend', () => {
    expect(report.clv.correlation!).toBeGreaterThan(0.4);
    expect(report.clv.predictedTotal / report.clv.actualTotal).toBeGreaterThan(0.6);
    expect(report.clv.predictedTotal / report.clv.actualTotal).toBeLessThan(1.2);
  });

  it('refuses a holdout that ends before it starts', () => {
    expect(() => evaluateModels({ orders, calibrationEnd: CALIBRATION_END, holdoutEnd: CALIBRATION_END, timeUnit: 'week' })).toThrow(/holdoutEnd 1997-09-30 must be after calibrationEnd/);
  });
});

describe('evaluateModels with too few repeat buyers before the cut', () => {
  // 200 one-time buyers by the calibration end, 5 of them buying again before it; 50 buy in the holdout.
  const orders: Order[] = [];
  for (let i = 0; i < 200; i++) {
    orders.push({ customerId: `c${i}`, orderId: `a${i}`, orderedAt: new Date(Date.UTC(2024, i % 6, 1 + (i % 27))), amount: 20 });
    if (i < 5) orders.push({ customerId: `c${i}`, orderId: `b${i}`, orderedAt: new Date('2024-06-28T00:00:00Z'), amount: 20 });
    if (i % 4 === 0) orders.push({ customerId: `c${i}`, orderId: `h${i}`, orderedAt: new Date('2024-08-15T00:00:00Z'), amount: 20 });
  }

  it('refuses, naming the count, rather than grading blank scores (an AUC of blanks is noise that could read "usable")', () => {
    expect(() => evaluateModels({ orders, calibrationEnd: new Date('2024-06-30T00:00:00Z'), holdoutEnd: new Date('2024-09-30T00:00:00Z'), timeUnit: 'week', resamples: 20 })).toThrow(
      'only 5 of 200 customers bought again by 2024-06-30; checking the models needs at least 10 repeat buyers before the calibration end',
    );
  });
});
