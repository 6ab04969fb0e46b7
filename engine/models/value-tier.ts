import { ForesightError } from '../core/errors.ts';
import { requireScalar } from './validate.ts';

/**
 * Value tiers by predicted CLV (domain: strategy 4): the top `high` share of customers
 * (default 20%) are high, the next `mid` share (default 30%) mid, the rest low. Cut-offs are
 * values, so customers tied at a cut-off all get the better tier; a value of 0 is always low.
 */

export type ValueTier = 'high' | 'mid' | 'low';

export interface ValueTierOptions {
  high?: number;
  mid?: number;
}

/**
 * @example valueTiers([50, 10, 30, 20, 40, 0, 5, 1, 2, 3]) // => ['high', 'mid', 'mid', 'mid', 'high', 'low', 'low', 'low', 'low', 'low']
 */
export function valueTiers(values: ArrayLike<number>, options: ValueTierOptions = {}): ValueTier[] {
  const high = options.high ?? 0.2;
  const mid = options.mid ?? 0.3;
  requireScalar('valueTiers.high', high, { min: 0 });
  requireScalar('valueTiers.mid', mid, { min: 0 });
  if (high + mid > 1) {
    throw new ForesightError('invalid_model_input', `valueTiers.high + valueTiers.mid = ${high + mid}; the shares must add up to at most 1`, { field: 'valueTiers' });
  }
  const n = values.length;
  const descending = Float64Array.from(values).sort().reverse();
  const cut = (share: number): number => {
    const count = Math.round(share * n);
    return count === 0 ? Infinity : descending[count - 1]!;
  };
  const highCut = cut(high);
  const midCut = cut(high + mid);
  return Array.from({ length: n }, (_, i): ValueTier => {
    const v = values[i]!;
    // Nothing of value (a shop of $0 orders, or a blank) is never a tier above low, tie or not.
    if (!(v > 0)) return 'low';
    return v >= highCut ? 'high' : v >= midCut ? 'mid' : 'low';
  });
}
