/**
 * Helpers that shrink model inputs before likelihood loops. Customer summaries repeat a lot
 * (CDNOW's 23,570 customers have far fewer distinct (x, t_x, T) rows, and only a few dozen
 * distinct x or T values), so a likelihood evaluated per distinct row, with per-value terms
 * computed once per distinct value, costs a fraction of the naive loop.
 */

export interface CompressedRows {
  /** One typed array per input column, holding the distinct rows. */
  columns: Float64Array[];
  /** How many input rows (or how much input weight) each distinct row stands for. */
  weight: Float64Array;
}

/**
 * Groups identical rows across the given columns and sums their weights.
 * @example
 * compressRows([[1, 1, 2], [5, 5, 6]]) // => columns [[1, 2], [5, 6]], weight [2, 1]
 */
export function compressRows(columns: readonly ArrayLike<number>[], weight?: ArrayLike<number>): CompressedRows {
  const n = columns[0]?.length ?? 0;
  const slot = new Map<string, number>();
  const firstRow: number[] = [];
  const sums: number[] = [];
  for (let i = 0; i < n; i++) {
    let key = '';
    for (const col of columns) key += `${col[i]}|`;
    const w = weight ? weight[i]! : 1;
    const at = slot.get(key);
    if (at === undefined) {
      slot.set(key, firstRow.length);
      firstRow.push(i);
      sums.push(w);
    } else {
      sums[at]! += w;
    }
  }
  return {
    columns: columns.map((col) => Float64Array.from(firstRow, (i) => col[i]!)),
    weight: Float64Array.from(sums),
  };
}

export interface UniqueIndex {
  /** The distinct values, in order of first appearance. */
  values: Float64Array;
  /** For each input position, the slot of its value in `values`. */
  index: Uint32Array;
}

/**
 * Maps a column onto its distinct values, so per-value work is done once per value.
 * @example uniqueIndex([3, 1, 3]) // => values [3, 1], index [0, 1, 0]
 */
export function uniqueIndex(column: ArrayLike<number>): UniqueIndex {
  const slot = new Map<number, number>();
  const values: number[] = [];
  const index = new Uint32Array(column.length);
  for (let i = 0; i < column.length; i++) {
    const v = column[i]!;
    let at = slot.get(v);
    if (at === undefined) {
      at = values.length;
      slot.set(v, at);
      values.push(v);
    }
    index[i] = at;
  }
  return { values: Float64Array.from(values), index };
}
