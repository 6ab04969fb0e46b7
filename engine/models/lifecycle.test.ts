import { describe, expect, it } from 'vitest';
import { alignRecency, lifecycleStage } from './lifecycle.ts';
import { rfmSegment } from './rfm.ts';

describe('lifecycleStage', () => {
  const active = { purchaseDays: 3, daysSinceLast: 10, churnProbability: 0.3, overdueProbability: 0.2 };

  it('applies the stages in order', () => {
    expect(lifecycleStage({ ...active, purchaseDays: 0 })).toBe('prospect');
    expect(lifecycleStage({ ...active, purchaseDays: 1 })).toBe('new');
    expect(lifecycleStage(active)).toBe('repeat');
    expect(lifecycleStage({ ...active, overdueProbability: 0.85 })).toBe('at-risk');
    expect(lifecycleStage({ ...active, churnProbability: 0.85 })).toBe('at-risk');
    // Lapsed wins over at-risk: long past due and unlikely to buy in the churn window.
    expect(lifecycleStage({ ...active, overdueProbability: 0.97, churnProbability: 0.95 })).toBe('lapsed');
    expect(lifecycleStage({ ...active, daysSinceLast: 400 })).toBe('lapsed');
  });

  it('lets a silent one-time buyer become at-risk and lapsed (the old rule kept them "new")', () => {
    const oneTime = { purchaseDays: 1, daysSinceLast: 273, churnProbability: 0.93, overdueProbability: 0.9 };
    expect(lifecycleStage(oneTime)).toBe('at-risk');
    expect(lifecycleStage({ ...oneTime, overdueProbability: 0.96 })).toBe('lapsed');
  });

  it('is configurable and validates its options', () => {
    expect(lifecycleStage({ ...active, daysSinceLast: 100 }, { lapsedDays: 90 })).toBe('lapsed');
    expect(lifecycleStage({ ...active, churnProbability: 0.85 }, { atRiskChurn: 0.9 })).toBe('repeat');
    expect(() => lifecycleStage(active, { lapsedDays: 0 })).toThrow(/lapsedDays = 0/);
    expect(() => lifecycleStage(active, { atRiskChurn: 1.5 })).toThrow(/atRiskChurn = 1.5/);
  });

  it('holds RFM recency to the stage so the labels never contradict', () => {
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        for (let m = 1; m <= 5; m++) {
          expect(['Lost', 'Hibernating', 'At Risk', "Can't Lose Them"]).toContain(rfmSegment(alignRecency(r, 'lapsed'), f, m));
          expect(['Lost', 'Hibernating', 'At Risk', "Can't Lose Them"]).toContain(rfmSegment(alignRecency(r, 'at-risk'), f, m));
          expect(['Lost', 'Hibernating', 'At Risk', "Can't Lose Them"]).not.toContain(rfmSegment(alignRecency(r, 'repeat'), f, m));
          expect(['Lost', 'Hibernating', 'At Risk', "Can't Lose Them"]).not.toContain(rfmSegment(alignRecency(r, 'new'), f, m));
        }
      }
    }
  });
});
