import { describe, expect, it } from 'vitest';
import { column, sampleRows, takeRows } from './rows.ts';

describe('row helpers', () => {
  it('samples evenly and takes rows', () => {
    expect(Array.from(sampleRows(10, 4))).toEqual([0, 2, 5, 7]);
    expect(Array.from(sampleRows(3, 10))).toEqual([0, 1, 2]);
    expect(Array.from(takeRows([5, 6, 7], Uint32Array.of(0, 2)))).toEqual([5, 7]);
    expect(Array.from(column(3, (i) => i * i))).toEqual([0, 1, 4]);
  });
});
