import { requireScalar } from './validate.ts';

/**
 * Lifecycle stage (domain: strategy 3), from the same quantities as the scores, in this order:
 * - prospect: known contact, no purchase yet;
 * - lapsed:   no purchase for more than `lapsedDays` (default 365), or past due by
 *             `lapsedOverdue` (default 0.95: 95 % of gaps of their kind would have ended) *and*
 *             churn probability ≥ `lapsedChurn` (default 0.9) — reactivation territory;
 * - at-risk:  past due by `atRiskOverdue` (default 0.8) or churn probability ≥ `atRiskChurn`
 *             (default 0.8) — activity is falling;
 * - new:      one purchase day so far, none of the above;
 * - repeat:   two or more purchase days, none of the above.
 * "Past due" is the overdue probability (next-purchase.ts): own gap model with ≥ 2 gaps, the
 * population's otherwise — so a silent one-time buyer becomes at-risk and lapsed too.
 */

export type LifecycleStage = 'prospect' | 'new' | 'repeat' | 'at-risk' | 'lapsed';

export interface LifecycleOptions {
  lapsedDays?: number;
  atRiskOverdue?: number;
  lapsedOverdue?: number;
  atRiskChurn?: number;
  lapsedChurn?: number;
}

export interface LifecycleInput {
  /** Distinct purchase days (0 for prospects). */
  purchaseDays: number;
  daysSinceLast: number;
  /** P(no purchase in the churn window). */
  churnProbability: number;
  /** P(a gap of their kind would have ended by now). */
  overdueProbability: number;
}

/**
 * @example lifecycleStage({ purchaseDays: 4, daysSinceLast: 20, churnProbability: 0.2, overdueProbability: 0.3 }) // => 'repeat'
 * @example lifecycleStage({ purchaseDays: 1, daysSinceLast: 270, churnProbability: 0.93, overdueProbability: 0.97 }) // => 'lapsed'
 */
export function lifecycleStage(c: LifecycleInput, options: LifecycleOptions = {}): LifecycleStage {
  const o = lifecycleOptions(options);
  if (c.purchaseDays === 0) return 'prospect';
  if (c.daysSinceLast > o.lapsedDays || (c.overdueProbability >= o.lapsedOverdue && c.churnProbability >= o.lapsedChurn)) return 'lapsed';
  if (c.overdueProbability >= o.atRiskOverdue || c.churnProbability >= o.atRiskChurn) return 'at-risk';
  return c.purchaseDays === 1 ? 'new' : 'repeat';
}

/**
 * The options with defaults, checked once (call before a loop over customers).
 * @example lifecycleOptions({ lapsedDays: 180 }).atRiskOverdue // => 0.8
 */
export function lifecycleOptions(options: LifecycleOptions = {}): Required<LifecycleOptions> {
  const o = { lapsedDays: 365, atRiskOverdue: 0.8, lapsedOverdue: 0.95, atRiskChurn: 0.8, lapsedChurn: 0.9, ...options };
  requireScalar('lapsedDays', o.lapsedDays, { min: 0, positive: true });
  for (const key of ['atRiskOverdue', 'lapsedOverdue', 'atRiskChurn', 'lapsedChurn'] as const) requireScalar(key, o[key], { min: 0, positive: true, below: 1 });
  return o;
}

/**
 * RFM's recency score held to the stage's band, so the two labels never contradict: lapsed
 * customers score R = 1, at-risk R ≤ 2, active ones (new, repeat) R ≥ 3. A "Lost" or "At Risk"
 * RFM segment then always goes with an at-risk or lapsed stage, and "Champions" never with one.
 * @example alignRecency(5, 'lapsed') // => 1
 */
export function alignRecency(r: number, stage: LifecycleStage): number {
  if (stage === 'lapsed') return 1;
  if (stage === 'at-risk') return Math.min(r, 2);
  if (stage === 'new' || stage === 'repeat') return Math.max(r, 3);
  return r;
}
