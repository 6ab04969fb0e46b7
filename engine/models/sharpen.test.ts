import { describe, expect, it } from 'vitest';
import { fitBgnbd } from './bgnbd.ts';
import { CALIBRATION_END, loadCdnowSample } from './cdnow.fixture.ts';
import { purchaseDaysBetween } from './features.ts';
import { auc } from './metrics.ts';
import { bgnbdPurchaseProbability } from './propensity.ts';
import { sharpenedProbability } from './sharpen.ts';

describe('sharpenedProbability (the out-of-time classifier over the purchase model)', () => {
  it('trained on the 90 days before the cut, it ranks who buys in the next 39 weeks better than BG/NBD and recency', async () => {
    const { index, table } = await loadCdnowSample();
    const bgnbd = fitBgnbd({ x: table.x.subarray(0, table.buyers), tx: table.tx.subarray(0, table.buyers), T: table.T.subarray(0, table.buyers) });
    const input = { index, table, asOf: CALIBRATION_END, timeUnit: 'week' as const, bgnbd };
    const sharpened = sharpenedProbability(input, 90);
    if ('reason' in sharpened) throw new Error(sharpened.reason);
    // Features before the inner cut, outcome after it: nothing after the calibration end is seen.
    expect(sharpened.report.trainingCutoff).toBe('1997-07-02');
    expect(sharpened.report.holdout.auc).toBeGreaterThan(sharpened.report.holdout.baselineAuc!);
    // Checked on what happened next (the 39-week holdout), which it never saw.
    const bought = purchaseDaysBetween(index, table, table.cutoffDay, table.cutoffDay + 273).map((n) => (n > 0 ? 1 : 0));
    const recency = table.daysSinceLast.subarray(0, table.buyers).map((d) => -d);
    expect(auc(sharpened.scores, bought)).toBeGreaterThan(auc(recency, bought));
    expect(auc(sharpened.scores, bought)).toBeGreaterThan(auc(bgnbdPurchaseProbability(table, bgnbd.params, 39), bought));
    // No full 39-week window before the calibration end (the cohort began in January 1997): a reason, not a guess.
    expect(sharpenedProbability(input, 273)).toMatchObject({ reason: expect.stringMatching(/one window before/) });
  });
});
