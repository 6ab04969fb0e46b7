/**
 * Column helpers for the columnar feature tables: plain loops over typed arrays (typed-array
 * `from` with a map function goes through the slow generic iteration path on large tables).
 */

/**
 * A column of n values computed per row.
 * @example column(3, (i) => i * i) // => Float64Array [0, 1, 4]
 */
export function column(n: number, value: (i: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = value(i);
  return out;
}

/**
 * Row numbers of a deterministic, evenly spaced subset of at most `cap` of `n` rows (all rows
 * when n ≤ cap). Used to bound fitting cost on very large bases.
 * @example sampleRows(10, 4) // => Uint32Array [0, 2, 5, 7]
 */
export function sampleRows(n: number, cap: number): Uint32Array {
  const m = Math.min(n, cap);
  return Uint32Array.from({ length: m }, (_, k) => Math.floor((k * n) / m));
}

/**
 * The values of a column at the given rows.
 * @example takeRows([5, 6, 7], Uint32Array.of(0, 2)) // => Float64Array [5, 7]
 */
export function takeRows(values: ArrayLike<number>, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]!]!;
  return out;
}
