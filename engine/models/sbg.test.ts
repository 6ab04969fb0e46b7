import { describe, expect, it } from 'vitest';
import { ForesightError } from '../core/errors.ts';
import { fitSbg, sbgChurnAt, sbgRetention, sbgSurvival } from './sbg.ts';

// Fader & Hardie (2007), "How to project customer retention", Table 1: customers still active
// after years 0..7 of a 1,000-customer cohort (the paper fits years 1–7) and its estimates.
const REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241];
const HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491];

describe('sBG', () => {
  it('reproduces the published estimates for the regular and high-end datasets', () => {
    const regular = fitSbg(REGULAR);
    expect(regular.converged).toBe(true);
    expect(regular.params.alpha).toBeCloseTo(0.704, 3);
    expect(regular.params.beta).toBeCloseTo(1.182, 3);
    const high = fitSbg(HIGH_END);
    expect(high.params.alpha).toBeCloseTo(0.668, 3);
    expect(high.params.beta).toBeCloseTo(3.806, 3);
  });

  it('projects retention that rises with tenure and survival consistent with the churn probabilities', () => {
    const p = fitSbg(REGULAR).params;
    expect(sbgRetention(p, 2)).toBeGreaterThan(sbgRetention(p, 1));
    let survival = 1;
    for (let t = 1; t <= 12; t++) {
      survival -= sbgChurnAt(p, t);
      expect(sbgSurvival(p, t)).toBeCloseTo(survival, 12);
      expect(sbgSurvival(p, t) / sbgSurvival(p, t - 1)).toBeCloseTo(sbgRetention(p, t), 12);
    }
    // The paper's point: projected year-12 survival is close to the observed 173 of 1,000.
    expect(sbgSurvival(p, 12) * 1000).toBeGreaterThan(150);
    expect(sbgSurvival(p, 12) * 1000).toBeLessThan(200);
  });

  it('names the bad count', () => {
    expect(() => fitSbg([1000, 700, 800])).toThrow(ForesightError);
    expect(() => fitSbg([1000, 700, 800])).toThrow(/active\[2\] = 800/);
  });
});
