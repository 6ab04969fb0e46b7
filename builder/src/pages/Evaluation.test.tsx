// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { type EvaluationData, EvaluationCards, evaluationOf, fhlRows, trackingRows } from './Evaluation.tsx';
import { findHoldouts } from './Insights.tsx';

afterEach(cleanup);

const calibration = [
  { bin: 1, count: 100, meanPredicted: 0.2, observedRate: 0.22 },
  { bin: 2, count: 100, meanPredicted: 0.8, observedRate: 0.75 },
];
const check = (score: string, usable: boolean, verdict: string) => ({
  score,
  outcome: 'no purchase in the 91-day holdout',
  customers: 2357,
  events: 1673,
  auc: usable ? 0.79 : 0.52,
  aucLow: usable ? 0.77 : 0.48,
  aucHigh: usable ? 0.81 : 0.56,
  brier: 0.11,
  baseRateBrier: 0.2,
  calibration,
  baseline: { name: 'days since the last order', auc: 0.77, aucLow: 0.75, aucHigh: 0.79 },
  usable,
  verdict,
});
const evaluation: EvaluationData = {
  calibrationEnd: '1997-07-01',
  holdoutEnd: '1997-09-30',
  customers: 2357,
  holdoutBuyers: 500,
  purchaseModel: { name: 'mbgnbd', selection: { reason: 'lowest mean absolute error' } },
  fhl: [{ x: '1', customers: 439, actual: 0.697, predicted: { bgnbd: 0.523, mbgnbd: 0.551 } }],
  tracking: [
    { week: 1, end: '1997-01-07', actual: 10, predicted: { mbgnbd: 9.4, bgnbd: 9.1 } },
    { week: 27, end: '1997-07-08', actual: 1800, predicted: { mbgnbd: 1790.2, bgnbd: 1780 } },
  ],
  scores: [check('churn_probability', true, 'usable: AUC 0.790'), check('purchase_probability_30d', false, 'not usable: the AUC interval (0.480–0.560) includes a coin toss')],
  nextPurchase: { medianAbsErrorDays: 31, boughtByDateShare: 0.52, coverage: 0.81, windowDays: 90 },
};

describe('out-of-time check on Insights', () => {
  it('takes the chosen model’s predictions for the tracking chart and the FHL bars', () => {
    expect(trackingRows(evaluation)).toEqual([
      { week: 1, end: '1997-01-07', actual: 10, predicted: 9.4 },
      { week: 27, end: '1997-07-08', actual: 1800, predicted: 1790.2 },
    ]);
    expect(fhlRows(evaluation)).toEqual([{ x: '1', actual: 0.697, predicted: 0.551 }]);
    // Its score checks are drawn by these cards, not again as model cards.
    expect(findHoldouts({ evaluation, models: {} })).toEqual([]);
  });

  it('says plainly which score is not usable and why, and why a check is missing', () => {
    render(<EvaluationCards report={{ evaluation }} />);
    expect(screen.getByText('Out-of-time check: repeat purchases')).toBeTruthy();
    const churn = screen.getByLabelText('churn_probability check');
    expect(churn.textContent).toMatch(/usable/);
    expect(churn.textContent).not.toMatch(/not usable/);
    expect(screen.getByLabelText('purchase_probability_30d check').textContent).toMatch(/not usable: the AUC interval \(0\.480–0\.560\) includes a coin toss/);
    expect(screen.getByText(/Next purchase \(dated for customers likely to buy within 90 days\): median error 31 days; 52 % bought by/)).toBeTruthy();
    expect(screen.getByText(/81 %/)).toBeTruthy();
    cleanup();
    render(<EvaluationCards report={{ evaluation: { reason: 'out-of-time check skipped: 60 days of order history; it needs 180' } }} />);
    expect(screen.getByText(/it needs 180/)).toBeTruthy();
    expect(evaluationOf({ evaluation: null })).toBeNull();
  });
});
