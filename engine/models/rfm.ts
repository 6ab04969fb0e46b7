/**
 * RFM: recency, frequency and monetary value scored 1–5 in quintiles, and the 11 named
 * segments. Scores are rank based with ties sharing a score: each value gets the mid-rank
 * percentile of its tie group, P = (#below + #equal / 2) / n, and score = ⌊5P⌋ + 1. Distinct
 * values give five equal quintiles; a heavy tie (say 60% one-time buyers) lands as a block on
 * one score (here 2) instead of being split arbitrarily across scores.
 */

export type RfmSegment =
  | 'Champions'
  | 'Loyal Customers'
  | 'Potential Loyalist'
  | 'New Customers'
  | 'Promising'
  | 'Need Attention'
  | 'About To Sleep'
  | 'At Risk'
  | "Can't Lose Them"
  | 'Hibernating'
  | 'Lost';

/**
 * Segment by recency score R (rows, 1..5) and FM = round((F + M) / 2), halves rounding up
 * (columns, 1..5). Recent + valuable → Champions; valuable but long gone → Can't Lose Them.
 *
 * | R \ FM | 1              | 2                  | 3                  | 4               | 5               |
 * |--------|----------------|--------------------|--------------------|-----------------|-----------------|
 * | 5      | New Customers  | Potential Loyalist | Potential Loyalist | Champions       | Champions       |
 * | 4      | Promising      | Potential Loyalist | Potential Loyalist | Loyal Customers | Champions       |
 * | 3      | About To Sleep | About To Sleep     | Need Attention     | Loyal Customers | Loyal Customers |
 * | 2      | Hibernating    | Hibernating        | At Risk            | At Risk         | Can't Lose Them |
 * | 1      | Lost           | Lost               | Hibernating        | At Risk         | Can't Lose Them |
 */
export const RFM_SEGMENT_GRID: readonly (readonly RfmSegment[])[] = [
  ['Lost', 'Lost', 'Hibernating', 'At Risk', "Can't Lose Them"],
  ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
  ['About To Sleep', 'About To Sleep', 'Need Attention', 'Loyal Customers', 'Loyal Customers'],
  ['Promising', 'Potential Loyalist', 'Potential Loyalist', 'Loyal Customers', 'Champions'],
  ['New Customers', 'Potential Loyalist', 'Potential Loyalist', 'Champions', 'Champions'],
];

/**
 * 1–5 scores by mid-rank percentile; `higherIsBetter = false` inverts (used for recency days).
 * @example quintileScores([10, 20, 30, 40, 50]) // => [1, 2, 3, 4, 5]
 * @example quintileScores([0, 0, 0, 5, 9]) // => [2, 2, 2, 4, 5]
 */
export function quintileScores(values: ArrayLike<number>, higherIsBetter = true): Uint8Array {
  const n = values.length;
  const sign = higherIsBetter ? 1 : -1;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = sign * values[i]!;
  sorted.sort();
  // The score is a step function of the value: one pass over the sorted tie groups finds the
  // smallest value reaching each score, then each customer needs at most four comparisons.
  const cuts = [Infinity, Infinity, Infinity, Infinity];
  for (let lo = 0; lo < n; ) {
    let hi = lo + 1;
    while (hi < n && sorted[hi] === sorted[lo]) hi++;
    const score = Math.min(5, Math.floor((5 * (lo + (hi - lo) / 2)) / n) + 1);
    for (let s = 2; s <= score; s++) if (cuts[s - 2] === Infinity) cuts[s - 2] = sorted[lo]!;
    lo = hi;
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = sign * values[i]!;
    out[i] = 1 + (v >= cuts[0]! ? 1 : 0) + (v >= cuts[1]! ? 1 : 0) + (v >= cuts[2]! ? 1 : 0) + (v >= cuts[3]! ? 1 : 0);
  }
  return out;
}

/**
 * R, F and M scores for customers: R from days since the last purchase (fewer is better),
 * F from purchase days, M from total spend.
 * @example rfmScores({ recencyDays: [3, 300], frequency: [5, 1], monetary: [400, 20] })
 */
export function rfmScores(input: { recencyDays: ArrayLike<number>; frequency: ArrayLike<number>; monetary: ArrayLike<number> }): {
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
} {
  return { r: quintileScores(input.recencyDays, false), f: quintileScores(input.frequency), m: quintileScores(input.monetary) };
}

/**
 * The named segment of an R, F, M score triple (see RFM_SEGMENT_GRID).
 * @example rfmSegment(5, 5, 4) // => 'Champions'
 */
export function rfmSegment(r: number, f: number, m: number): RfmSegment {
  const fm = Math.round((f + m) / 2);
  return RFM_SEGMENT_GRID[clampScore(r) - 1]![clampScore(fm) - 1]!;
}

function clampScore(s: number): number {
  return Math.min(5, Math.max(1, Math.round(s)));
}
