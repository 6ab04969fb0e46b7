import { ForesightError } from '../../core/errors.ts';
import type { featuresAt } from '../../models/features.ts';
import { MIN_REPEAT_BUYERS } from '../../models/score.ts';

/** Throws unless the history up to `asOf` has enough repeat buyers for any purchase model (fit, predict and evaluate alike). */
export function requireRepeatBuyers(table: ReturnType<typeof featuresAt>, asOf: Date): void {
  if (table.buyers === 0) throw noBuyers(asOf);
  const repeat = table.x.subarray(0, table.buyers).reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
  if (repeat < MIN_REPEAT_BUYERS) throw tooFewRepeatBuyers(repeat, table.buyers, asOf);
}

function tooFewRepeatBuyers(repeat: number, buyers: number, asOf: Date): ForesightError {
  return new ForesightError(
    'too_few_repeat_buyers',
    `--orders: only ${repeat} of ${buyers} customers bought again by ${asOf.toISOString().slice(0, 10)}; the purchase models need at least ${MIN_REPEAT_BUYERS} repeat buyers to estimate anything, so nothing was fitted; add more order history or choose a later --calibration-end`,
    { field: '--orders' },
  );
}

function noBuyers(asOf: Date): ForesightError {
  return new ForesightError('no_buyers', `--calibration-end: no orders on or before ${asOf.toISOString().slice(0, 10)}; choose a later date`, { field: '--calibration-end' });
}
