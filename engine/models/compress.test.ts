import { describe, expect, it } from 'vitest';
import { compressRows, uniqueIndex } from './compress.ts';

describe('compress', () => {
  it('groups identical rows and sums weights', () => {
    const r = compressRows([[1, 1, 2, 1], [5, 5, 6, 7]], [1, 2, 3, 4]);
    expect(Array.from(r.columns[0]!)).toEqual([1, 2, 1]);
    expect(Array.from(r.columns[1]!)).toEqual([5, 6, 7]);
    expect(Array.from(r.weight)).toEqual([3, 3, 4]);
  });

  it('indexes distinct values', () => {
    const u = uniqueIndex([3, 1, 3, 2]);
    expect(Array.from(u.values)).toEqual([3, 1, 2]);
    expect(Array.from(u.index)).toEqual([0, 1, 0, 2]);
  });
});
