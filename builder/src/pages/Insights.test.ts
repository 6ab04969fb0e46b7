import { describe, expect, it } from 'vitest';
import { evaluateSegment } from '../../../engine/segments/index.ts';
import { findHoldouts, notesOf, rfmCellDefinition } from './Insights.tsx';

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

describe('RFM cell to segment', () => {
  it('matches exactly the customers of the clicked cell (R5 F4, any M)', async () => {
    const verdict = async (value: number) =>
      (await evaluateSegment(rfmCellDefinition(5, 4) as never, { customer: {} as never, services: { scores: async () => ({ rfm: { value, data: {} } }) } as never }, new Date(0))).matched;
    expect([await verdict(541), await verdict(545), await verdict(535), await verdict(551), await verdict(441)]).toEqual([true, true, false, false, false]);
  });
});
