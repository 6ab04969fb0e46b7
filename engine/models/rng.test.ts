import { describe, expect, it } from 'vitest';
import { createRng } from './rng.ts';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = draw();
    s += v;
    s2 += v * v;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

describe('createRng', () => {
  it('is reproducible from its seed', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const seqA = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(seqA);
    expect(c.next()).not.toBe(seqA[0]);
  });

  it('draws with the right moments', () => {
    const rng = createRng(1);
    const n = 200_000;
    const u = moments(() => rng.next(), n);
    expect(u.mean).toBeCloseTo(0.5, 2);
    expect(u.variance).toBeCloseTo(1 / 12, 2);
    const z = moments(() => rng.normal(), n);
    expect(z.mean).toBeCloseTo(0, 2);
    expect(z.variance).toBeCloseTo(1, 1);
    // Gamma(shape 0.243, rate 4.414): mean 0.0551, variance 0.01247 (the small-shape branch).
    const g = moments(() => rng.gamma(0.243, 4.414), n);
    expect(g.mean).toBeCloseTo(0.243 / 4.414, 3);
    expect(g.variance / (0.243 / 4.414 ** 2)).toBeGreaterThan(0.9);
    expect(g.variance / (0.243 / 4.414 ** 2)).toBeLessThan(1.1);
    const g2 = moments(() => rng.gamma(6.25, 2), n);
    expect(g2.mean).toBeCloseTo(3.125, 2);
    expect(g2.variance).toBeCloseTo(1.5625, 1);
    const b = moments(() => rng.beta(0.793, 2.426), n);
    expect(b.mean).toBeCloseTo(0.793 / 3.219, 2);
    expect(b.variance).toBeCloseTo((0.793 * 2.426) / (3.219 ** 2 * 4.219), 2);
    const e = moments(() => rng.exponential(4), n);
    expect(e.mean).toBeCloseTo(0.25, 2);
    expect(rng.int(10)).toBeGreaterThanOrEqual(0);
  });

  it('rejects invalid gamma parameters', () => {
    expect(() => createRng(1).gamma(0, 1)).toThrow(/shape > 0/);
  });
});
