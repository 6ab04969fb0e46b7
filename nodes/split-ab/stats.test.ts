import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../engine/core/hash.ts';
import { abReport, betaSample, compareVariants, gammaSample, probabilityToBeat, thompsonWeights, twoProportionZ, waldDiffCi } from './stats.ts';

describe('A/B statistics', () => {
  // Control 200/2000 = 10 %, variant 250/2000 = 12.5 %.
  it('two-proportion z-test (pooled) with the exact two-sided p', () => {
    const { z, p } = twoProportionZ(200, 2000, 250, 2000);
    expect(z).toBeCloseTo(2.501955, 6);
    expect(p).toBeCloseTo(0.012351, 6);
    expect(twoProportionZ(250, 2000, 200, 2000).p).toBeCloseTo(p, 12);
  });

  it('lift and the Wald 95 % interval match a hand computation', () => {
    // se = sqrt(.1·.9/2000 + .125·.875/2000) = sqrt(9.96875e-5) = 0.00998436; 1.959964 · se = 0.0195690
    const [lo, hi] = waldDiffCi(200, 2000, 250, 2000);
    const se = Math.sqrt(0.1 * 0.9 / 2000 + 0.125 * 0.875 / 2000);
    expect(se).toBeCloseTo(0.00998436, 8);
    expect(lo).toBeCloseTo(0.005431, 6);
    expect(hi).toBeCloseTo(0.044569, 6);
    const [control, variant] = compareVariants(
      [
        { name: 'a', runs: 2000, conversions: 200 },
        { name: 'b', runs: 2000, conversions: 250 },
      ],
      'a',
    );
    expect(control).toMatchObject({ isControl: true, rate: 0.1, lift: null, p: null });
    expect(variant!.lift).toBeCloseTo(0.25, 12);
    expect(variant!.rate).toBe(0.125);
  });

  it('probability to beat control ≈ 0.994, confirmed by an independent Monte Carlo', () => {
    const exact = probabilityToBeat(200, 2000, 250, 2000);
    // Numeric integration of f_B·F_A (scipy) gives 0.9938143.
    expect(exact).toBeCloseTo(0.993814, 6);
    const random = seededRandom(7);
    let wins = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) if (betaSample(251, 1751, random) > betaSample(201, 1801, random)) wins++;
    expect(Math.abs(wins / n - exact)).toBeLessThan(0.001);
    expect(probabilityToBeat(10, 100, 10, 100)).toBeCloseTo(0.5, 6);
  });

  it('the gamma sampler has the right mean and variance (also for shape < 1)', () => {
    for (const shape of [0.5, 3, 40]) {
      const random = seededRandom(shape * 10);
      const xs = Array.from({ length: 100_000 }, () => gammaSample(shape, random));
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
      expect(Math.abs(mean / shape - 1)).toBeLessThan(0.02);
      expect(Math.abs(variance / shape - 1)).toBeLessThan(0.04);
    }
  });

  it('Thompson weights favour the better arm and keep the exploration floor', () => {
    const w = thompsonWeights(
      [
        { name: 'a', runs: 2000, conversions: 200 },
        { name: 'b', runs: 2000, conversions: 250 },
        { name: 'c', runs: 2000, conversions: 100 },
      ],
      { floor: 0.05, draws: 5000, random: seededRandom(3) },
    );
    expect(w.a! + w.b! + w.c!).toBeCloseTo(1, 12);
    expect(w.c).toBeCloseTo(0.05, 6);
    // b beats a with probability ≈ 0.994, so b gets ≈ 0.05 + 0.85 · 0.994.
    expect(w.b).toBeGreaterThan(0.88);
    expect(w.a).toBeGreaterThanOrEqual(0.05);
    const even = thompsonWeights([{ name: 'x', runs: 0, conversions: 0 }, { name: 'y', runs: 0, conversions: 0 }], { random: seededRandom(1), draws: 4000 });
    expect(Math.abs(even.x! - 0.5)).toBeLessThan(0.03);
    expect(() => thompsonWeights([{ name: 'x', runs: 0, conversions: 0 }, { name: 'y', runs: 0, conversions: 0 }], { floor: 0.6, random: Math.random })).toThrow(/impossible/);
  });

  it('abReport turns node counters into the per-variant table', () => {
    const table = abReport({ ports: { a: 2000, b: 2000, holdout: 500 }, converted: { a: 200, b: 250, holdout: 40 } });
    expect(table.map((r) => r.variant)).toEqual(['a', 'b', 'holdout']);
    expect(table[0]).toMatchObject({ isControl: true, runs: 2000, conversions: 200, rate: 0.1 });
    expect(table[1]!.p).toBeCloseTo(0.012351, 6);
    expect(table[2]).toMatchObject({ runs: 500, conversions: 40, rate: 0.08 });
    expect(table[2]!.lift).toBeCloseTo(-0.2, 12);
    expect(abReport({ ports: {}, converted: {} }, { variants: ['a', 'b'] }).map((r) => [r.runs, r.rate, r.p])).toEqual([
      [0, null, null],
      [0, null, null],
    ]);
  });
});
