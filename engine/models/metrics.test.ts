import { describe, expect, it } from 'vitest';
import { auc, aucInterval, brierScore, calibrationTable } from './metrics.ts';
import { createRng } from './rng.ts';

describe('metrics', () => {
  it('computes AUC as the share of correctly ordered pairs, ties counting half', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(auc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0);
    // All tied: no information.
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // Pairs (pos, neg): (0.5 vs 0.5) tie = ½, (0.5 vs 0.1) = 1, (0.9 vs both) = 2 → 3.5 / 4.
    expect(auc([0.5, 0.1, 0.5, 0.9], [0, 0, 1, 1])).toBe(0.875);
    expect(auc([0.2, 0.3], [1, 1])).toBeNaN();
  });

  it('computes the Brier score', () => {
    expect(brierScore([0.9, 0.2], [1, 0])).toBeCloseTo(0.025, 12);
    expect(brierScore([0.5, 0.5], [1, 0])).toBe(0.25);
  });

  it('builds an equal-count calibration table', () => {
    const p = Array.from({ length: 100 }, (_, i) => i / 100);
    const y = p.map((v, i) => (i % 10 < v * 10 ? 1 : 0));
    const table = calibrationTable(p, y);
    expect(table).toHaveLength(10);
    expect(table.every((b) => b.count === 10)).toBe(true);
    expect(table[0]).toMatchObject({ bin: 1, count: 10, observedRate: 0 });
    expect(table[0]!.meanPredicted).toBeCloseTo(0.045, 12);
    expect(table[9]!.meanPredicted).toBeCloseTo(0.945, 12);
    expect(table[9]!.observedRate).toBe(1);
    expect(table[4]!.observedRate).toBe(0.5);
    expect(calibrationTable([0.1, 0.2], [0, 1], 5)).toHaveLength(2);
  });
});

describe('aucInterval', () => {
  it('gives the plain AUC with a bootstrap interval around it that narrows with more customers', () => {
    const rng = createRng(3);
    const make = (n: number) => {
      const y = Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
      const s = y.map((v) => v + 1.5 * rng.normal());
      return { s, y };
    };
    const small = make(200);
    const large = make(5000);
    const a = aucInterval(small.s, small.y, { resamples: 200, seed: 1 });
    expect(a.auc).toBeCloseTo(auc(small.s, small.y), 12);
    expect(a.low).toBeLessThan(a.auc);
    expect(a.high).toBeGreaterThan(a.auc);
    const b = aucInterval(large.s, large.y, { resamples: 200, seed: 1 });
    expect(b.high - b.low).toBeLessThan((a.high - a.low) / 3);
    // True AUC of N(1, 1.5²) vs N(0, 1.5²) is Φ(1 / (1.5 √2)) ≈ 0.681.
    expect(b.low).toBeLessThan(0.681);
    expect(b.high).toBeGreaterThan(0.681);
  });
});
