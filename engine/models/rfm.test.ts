import { describe, expect, it } from 'vitest';
import { loadCdnowSample } from './cdnow.fixture.ts';
import { quintileScores, RFM_SEGMENT_GRID, rfmScores, rfmSegment } from './rfm.ts';

describe('RFM', () => {
  it('scores distinct values in equal quintiles', () => {
    expect(Array.from(quintileScores([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(Array.from(quintileScores([10, 20, 30, 40, 50], false))).toEqual([5, 4, 3, 2, 1]);
  });

  it('lets tied values share one score', () => {
    // Six of ten tied at 0: mid-rank percentile 0.3 → all score 2; the rest spread above.
    expect(Array.from(quintileScores([0, 0, 0, 0, 0, 0, 3, 4, 7, 9]))).toEqual([2, 2, 2, 2, 2, 2, 4, 4, 5, 5]);
    expect(Array.from(quintileScores([1, 1, 1]))).toEqual([3, 3, 3]);
  });

  it('maps every cell of the R × FM grid to one of the 11 segments', () => {
    const all = new Set(RFM_SEGMENT_GRID.flat());
    expect(all.size).toBe(11);
    expect(rfmSegment(5, 5, 5)).toBe('Champions');
    expect(rfmSegment(5, 1, 1)).toBe('New Customers');
    expect(rfmSegment(1, 5, 5)).toBe("Can't Lose Them");
    expect(rfmSegment(1, 1, 1)).toBe('Lost');
    expect(rfmSegment(3, 3, 3)).toBe('Need Attention');
    expect(rfmSegment(4, 1, 1)).toBe('Promising');
    expect(rfmSegment(4, 1, 2)).toBe('Potential Loyalist'); // FM = 1.5 rounds up to 2
  });

  it('scores the CDNOW sample with heavy frequency ties kept together', async () => {
    const { table } = await loadCdnowSample();
    const s = rfmScores({ recencyDays: table.daysSinceLast, frequency: Float64Array.from(table.x, (x) => x + 1), monetary: table.total });
    // 1,411 of 2,357 customers bought once: one shared F score, below the repeat buyers.
    const oneTimers = new Set<number>();
    for (let i = 0; i < table.n; i++) if (table.x[i] === 0) oneTimers.add(s.f[i]!);
    expect([...oneTimers]).toEqual([2]);
    for (let i = 0; i < table.n; i++) if (table.x[i]! > 0) expect(s.f[i]).toBeGreaterThanOrEqual(3);
    // Monetary values are nearly distinct: five near-equal quintiles.
    const counts = [0, 0, 0, 0, 0];
    for (const m of s.m) counts[m - 1]!++;
    for (const c of counts) expect(Math.abs(c - table.n / 5)).toBeLessThan(25);
  });
});
