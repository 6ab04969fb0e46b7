import { describe, expect, it } from 'vitest';
import { findHoldouts, notesOf } from './Insights.tsx';

const calibration = [{ bin: 1, count: 10, meanPredicted: 0.1, observedRate: 0.12 }];
const report = {
  customers: 1200,
  models: {
    propensity: { source: 'logistic', holdout: { auc: 0.81, brier: 0.1, baselineAuc: 0.74, calibration } },
    engagement: { reason: 'no email events yet' },
    warnings: ['few buyers: estimates are rough'],
  },
};

describe('model report', () => {
  it('finds every held-out model, named by where it sits', () => {
    const found = findHoldouts(report);
    expect(found.map((m) => m.name)).toEqual(['models propensity']);
    expect(found[0]!.report.auc).toBe(0.81);
  });

  it('collects why parts are missing', () => {
    expect(notesOf(report)).toEqual(['no email events yet', 'few buyers: estimates are rough']);
    expect(notesOf(null)).toEqual([]);
  });
});
