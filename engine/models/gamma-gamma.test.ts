import { describe, expect, it } from 'vitest';
import { loadCdnowSample, PUBLISHED_GAMMA_GAMMA } from './cdnow.fixture.ts';
import { expectedAverageSpend, fitGammaGamma } from './gamma-gamma.ts';

describe('Gamma-Gamma', () => {
  it('reproduces the published CDNOW estimates within 0.5% on the 946 repeat buyers', async () => {
    const { table } = await loadCdnowSample();
    const fit = fitGammaGamma({ x: table.x, m: table.repeatMean });
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    for (const key of ['p', 'q', 'gamma'] as const) {
      expect(Math.abs(fit.params[key] / PUBLISHED_GAMMA_GAMMA[key] - 1)).toBeLessThan(0.005);
    }
  });

  it('blends the population mean and the customer mean by precision', () => {
    const p = PUBLISHED_GAMMA_GAMMA;
    const population = (p.p * p.gamma) / (p.q - 1);
    expect(expectedAverageSpend(p, 0, 0)).toBeCloseTo(population, 10);
    // CDNOW c1: x = 2, mean repeat spend 22.345 (29.73 + 14.96) / 2.
    const w = (p.p * 2) / (p.p * 2 + p.q - 1);
    expect(expectedAverageSpend(p, 2, 22.345)).toBeCloseTo(w * 22.345 + (1 - w) * population, 10);
    // Many purchases: the customer's own mean dominates.
    expect(expectedAverageSpend(p, 200, 50)).toBeCloseTo(50, 0);
    expect(() => expectedAverageSpend({ p: 1, q: 0.9, gamma: 1 }, 0, 0)).toThrow(/q = 0.9 ≤ 1/);
  });

  it('skips zero-spend repeat buyers and validates input', () => {
    const fit = fitGammaGamma({ x: [1, 2, 3, 1, 0, 4], m: [10, 12, 0, 30, Number.NaN, 15] });
    expect(fit.customers).toBe(4);
    expect(fit.skippedZeroSpend).toBe(1);
    expect(() => fitGammaGamma({ x: [1, 1], m: [10, -1] })).toThrow(/m\[1\] = -1/);
    expect(() => fitGammaGamma({ x: [0, 1], m: [0, 10] })).toThrow(/at least 2 repeat buyers/);
  });
});
