import type { PurchaseModel } from './purchase-model.ts';
import { requireScalar } from './validate.ts';

/**
 * Customer lifetime value over a finite horizon: expected purchases per period (the purchase model),
 * times expected spend (Gamma-Gamma), discounted per period — the lifetimes-style
 * computation (period = one month by default, discount at the end of each period).
 */

export interface ClvOptions {
  /** Horizon in time units (the same unit as x, t_x, T). */
  horizon: number;
  /** Discounting period in time units, e.g. 30.4375 days or 4.348 weeks for a month. */
  periodLength: number;
  /** Discount rate per period (0.01 = 1% per month). */
  discountRate: number;
}

/**
 * Builds a CLV function for a fitted model and options.
 * @example
 * const clv = createClv(bgnbdModel(fit), { horizon: 52, periodLength: 4.348, discountRate: 0.01 });
 * clv(2, 30.43, 38.86, 35.2) // discounted expected spend over the next 52 weeks
 */
export function createClv(model: Pick<PurchaseModel, 'expectedPurchases'>, options: ClvOptions): (x: number, tx: number, T: number, averageSpend: number) => number {
  requireScalar('horizon', options.horizon, { min: 0, positive: true });
  requireScalar('periodLength', options.periodLength, { min: 0, positive: true });
  requireScalar('discountRate', options.discountRate, { min: 0 });
  const periods = Math.ceil(options.horizon / options.periodLength - 1e-9);
  const times = new Float64Array(periods);
  const discount = new Float64Array(periods);
  for (let i = 0; i < periods; i++) {
    times[i] = Math.min((i + 1) * options.periodLength, options.horizon);
    discount[i] = Math.pow(1 + options.discountRate, -(i + 1));
  }
  return (x, tx, T, averageSpend) => {
    let value = 0;
    let before = 0;
    for (let i = 0; i < periods; i++) {
      const cumulative = model.expectedPurchases(x, tx, T, times[i]!);
      value += (cumulative - before) * discount[i]!;
      before = cumulative;
    }
    return value * averageSpend;
  };
}
