/**
 * Gauss hypergeometric 2F1(a, b; c; z) by its power series, for 0 ≤ z < 1 — the range the
 * Pareto/NBD and MBG/NBD formulas need once their arguments are arranged to be non-negative.
 * Terms are summed until the tail bound (term ratio → z) is below 1e-15 of the sum.
 * @example hyp2f1(1, 1, 2, 0.5) // => 2 ln 2 ≈ 1.386
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 1;
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 1_000_000; k++) {
    const ratio = (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    const bound = Math.max(Math.abs(ratio), z);
    if (bound < 1 && (Math.abs(term) * bound) / (1 - bound) <= 1e-15 * Math.abs(sum)) break;
  }
  return sum;
}
