import { requireScalar } from './validate.ts';

/**
 * Lifecycle stage (domain: strategy 3), decided in this order:
 * - prospect: known contact, no purchase yet;
 * - lapsed:   no purchase for more than `lapsedDays` (default 365) — reactivation territory;
 * - at-risk:  overdue against their own purchase cycle, or P(alive) below `atRiskPAlive`
 *             (default 0.5) — activity is falling;
 * - new:      one purchase day so far;
 * - repeat:   two or more purchase days and none of the above.
 */

export type LifecycleStage = 'prospect' | 'new' | 'repeat' | 'at-risk' | 'lapsed';

export interface LifecycleOptions {
  lapsedDays?: number;
  atRiskPAlive?: number;
}

export interface LifecycleInput {
  /** Distinct purchase days (0 for prospects). */
  purchaseDays: number;
  daysSinceLast: number;
  pAlive: number;
  /** Overdue against the customer's own cycle (see isOverdue). */
  overdue: boolean;
}

/**
 * @example lifecycleStage({ purchaseDays: 4, daysSinceLast: 20, pAlive: 0.9, overdue: false }) // => 'repeat'
 * @example lifecycleStage({ purchaseDays: 4, daysSinceLast: 200, pAlive: 0.2, overdue: false }) // => 'at-risk'
 */
export function lifecycleStage(c: LifecycleInput, options: LifecycleOptions = {}): LifecycleStage {
  const lapsedDays = options.lapsedDays ?? 365;
  const atRiskPAlive = options.atRiskPAlive ?? 0.5;
  requireScalar('lapsedDays', lapsedDays, { min: 0, positive: true });
  requireScalar('atRiskPAlive', atRiskPAlive, { min: 0, below: 1 });
  if (c.purchaseDays === 0) return 'prospect';
  if (c.daysSinceLast > lapsedDays) return 'lapsed';
  if (c.overdue || c.pAlive < atRiskPAlive) return 'at-risk';
  return c.purchaseDays === 1 ? 'new' : 'repeat';
}
