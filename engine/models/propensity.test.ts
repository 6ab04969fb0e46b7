import { describe, expect, it } from 'vitest';
import { fitBgnbd, probabilityNoPurchase } from './bgnbd.ts';
import { CALIBRATION_END, HOLDOUT_WEEKS, loadCdnowSample } from './cdnow.fixture.ts';
import { purchaseDaysBetween } from './features.ts';
import { fitWithHoldout } from './holdout.ts';
import { bgnbdPurchaseProbability, propensityFeatures, scorePropensity, trainPropensity } from './propensity.ts';

describe('propensity to buy', () => {
  it('beats the BG/NBD P(buys ≥ 1) baseline on CDNOW holdout AUC', async () => {
    // Features at 1997-09-30; label = any purchase in weeks 40–78. Customers are split by a
    // seeded hash of their id (30% held out); BG/NBD is fitted on calibration data only.
    const { table, index } = await loadCdnowSample();
    const fit = fitBgnbd(table);
    const baseline = bgnbdPurchaseProbability(table, fit.params, HOLDOUT_WEEKS);
    expect(baseline[0]).toBeCloseTo(1 - probabilityNoPurchase(fit.params, table.x[0]!, table.tx[0]!, table.T[0]!, HOLDOUT_WEEKS), 12);
    const labels = purchaseDaysBetween(index, table, table.cutoffDay, table.cutoffDay + 7 * HOLDOUT_WEEKS).map((v) => (v > 0 ? 1 : 0));
    const features = propensityFeatures(table, baseline);
    for (const seed of [1, 2, 3]) {
      const { report } = fitWithHoldout(features, labels, { ids: table.ids, baseline, seed });
      expect(report.holdoutRows).toBeGreaterThan(600);
      expect(report.auc).toBeGreaterThan(report.baselineAuc! + 0.005);
      expect(report.brier).toBeLessThan(report.baselineBrier!);
      // Calibrated on average: predicted and observed buying rates agree across deciles.
      const predicted = report.calibration.reduce((s, b) => s + b.meanPredicted * b.count, 0) / report.holdoutRows;
      const observed = report.calibration.reduce((s, b) => s + b.observedRate * b.count, 0) / report.holdoutRows;
      expect(Math.abs(predicted - observed)).toBeLessThan(0.04);
    }
  });

  it('trains in production on the window before the as-of date', async () => {
    const { index } = await loadCdnowSample();
    // As of 1998-06-30 with a 39-week window, training features sit at 1997-09-30.
    const asOf = new Date('1998-06-30T00:00:00Z');
    const t = trainPropensity({ index, asOf, timeUnit: 'week', windowDays: 7 * HOLDOUT_WEEKS });
    if (!('model' in t)) throw new Error(t.reason);
    expect(t.trainingCutoff.toISOString().slice(0, 10)).toBe(CALIBRATION_END.toISOString().slice(0, 10));
    expect(t.report.auc).toBeGreaterThan(t.report.baselineAuc!);
    expect(t.model.converged).toBe(true);
    // Too young a base one window back: a reason, not a model.
    const early = trainPropensity({ index, asOf: CALIBRATION_END, timeUnit: 'week', windowDays: 7 * HOLDOUT_WEEKS });
    expect('reason' in early && early.reason).toMatch(/only 0 customers had bought by 1996-12-31/);
  });

  it('scores every buyer with a probability', async () => {
    const { table, index } = await loadCdnowSample();
    const t = trainPropensity({ index, asOf: new Date('1998-06-30T00:00:00Z'), timeUnit: 'week', windowDays: 273 });
    if (!('model' in t)) throw new Error(t.reason);
    const p = scorePropensity(t.model, table, bgnbdPurchaseProbability(table, fitBgnbd(table).params, 39));
    expect(p).toHaveLength(table.buyers);
    for (const v of p) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
  });
});
