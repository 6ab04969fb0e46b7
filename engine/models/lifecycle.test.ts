import { describe, expect, it } from 'vitest';
import { lifecycleStage } from './lifecycle.ts';

describe('lifecycleStage', () => {
  const active = { purchaseDays: 3, daysSinceLast: 10, pAlive: 0.9, overdue: false };

  it('applies the stages in order', () => {
    expect(lifecycleStage({ ...active, purchaseDays: 0 })).toBe('prospect');
    expect(lifecycleStage({ ...active, purchaseDays: 1 })).toBe('new');
    expect(lifecycleStage(active)).toBe('repeat');
    expect(lifecycleStage({ ...active, overdue: true })).toBe('at-risk');
    expect(lifecycleStage({ ...active, pAlive: 0.3 })).toBe('at-risk');
    // Lapsed wins over at-risk: it is the longer silence.
    expect(lifecycleStage({ ...active, daysSinceLast: 400, overdue: true })).toBe('lapsed');
    expect(lifecycleStage({ ...active, purchaseDays: 1, daysSinceLast: 400 })).toBe('lapsed');
  });

  it('is configurable and validates its options', () => {
    expect(lifecycleStage({ ...active, daysSinceLast: 100 }, { lapsedDays: 90 })).toBe('lapsed');
    expect(lifecycleStage({ ...active, pAlive: 0.3 }, { atRiskPAlive: 0.2 })).toBe('repeat');
    expect(() => lifecycleStage(active, { lapsedDays: 0 })).toThrow(/lapsedDays = 0/);
  });
});
