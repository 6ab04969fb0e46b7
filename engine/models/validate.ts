import { ForesightError } from '../core/errors.ts';

/**
 * Input checks shared by the model fits: they name the offending column and row so the
 * caller can find the bad record, instead of a fit silently returning NaN parameters.
 */

/**
 * Throws unless every value of a column is finite and at least `min`.
 * @example requireColumn('x', [0, 2], { min: 0, integer: true })
 */
export function requireColumn(name: string, values: ArrayLike<number>, rule: { min: number; integer?: boolean; positive?: boolean }): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const ok = Number.isFinite(v) && v >= rule.min && (!rule.positive || v > 0) && (!rule.integer || Number.isInteger(v));
    if (!ok) {
      const want = `${rule.integer ? 'an integer' : 'a finite number'} ${rule.positive ? `> ${rule.min}` : `≥ ${rule.min}`}`;
      throw new ForesightError('invalid_model_input', `${name}[${i}] = ${v}; expected ${want}`, { field: `${name}[${i}]` });
    }
  }
}

/**
 * Throws unless all columns have the length of the first.
 * @example requireSameLength({ x: [1], T: [2] })
 */
export function requireSameLength(columns: Record<string, ArrayLike<number> | undefined>): number {
  let n: number | undefined;
  let first = '';
  for (const [name, col] of Object.entries(columns)) {
    if (col === undefined) continue;
    if (n === undefined) {
      n = col.length;
      first = name;
    } else if (col.length !== n) {
      throw new ForesightError('invalid_model_input', `${name} has ${col.length} rows but ${first} has ${n}; pass columns of equal length`, { field: name });
    }
  }
  return n ?? 0;
}

/**
 * Throws unless a scalar option is finite, ≥ min (or > min when `positive`) and < `below`.
 * @example requireScalar('coverage', 0.8, { min: 0, positive: true, below: 1 })
 */
export function requireScalar(name: string, value: number, rule: { min: number; positive?: boolean; below?: number }): void {
  const ok = Number.isFinite(value) && value >= rule.min && (!rule.positive || value > rule.min) && (rule.below === undefined || value < rule.below);
  if (!ok) {
    const range = `${rule.positive ? '>' : '≥'} ${rule.min}${rule.below === undefined ? '' : ` and < ${rule.below}`}`;
    throw new ForesightError('invalid_model_input', `${name} = ${value}; expected a finite number ${range}`, { field: name });
  }
}

/**
 * Checks x, t_x, T (and weights) column by column, naming the offending row.
 * @example requirePurchaseData({ x: [1], tx: [2], T: [3] })
 */
export function requirePurchaseData(data: { x: ArrayLike<number>; tx: ArrayLike<number>; T: ArrayLike<number>; weight?: ArrayLike<number> }): void {
  requireSameLength({ x: data.x, tx: data.tx, T: data.T, weight: data.weight });
  requireColumn('x', data.x, { min: 0, integer: true });
  requireColumn('tx', data.tx, { min: 0 });
  requireColumn('T', data.T, { min: 0 });
  if (data.weight) requireColumn('weight', data.weight, { min: 0 });
  for (let i = 0; i < data.x.length; i++) {
    if (data.tx[i]! > data.T[i]!) {
      throw new ForesightError('invalid_model_input', `tx[${i}] = ${data.tx[i]} exceeds T[${i}] = ${data.T[i]}; recency cannot be after the calibration end`, { field: `tx[${i}]` });
    }
  }
}
