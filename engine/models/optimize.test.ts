import { describe, expect, it } from 'vitest';
import { gradient, hessian, minimize } from './optimize.ts';

describe('minimize', () => {
  it('finds the Rosenbrock minimum tightly', () => {
    const rosen = (p: Float64Array): number => 100 * (p[1]! - p[0]! ** 2) ** 2 + (1 - p[0]!) ** 2;
    const r = minimize(rosen, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
  });

  it('survives non-finite regions and uses the best start', () => {
    // Undefined for p <= 0 (as a likelihood on the raw scale would be); minimum at p = 3.
    const f = (p: Float64Array): number => (p[0]! <= 0 ? NaN : (Math.log(p[0]!) - Math.log(3)) ** 2);
    const r = minimize(f, [0.5], { starts: [[10]] });
    expect(r.x[0]).toBeCloseTo(3, 5);
    expect(r.converged).toBe(true);
  });

  it('differentiates numerically', () => {
    const f = (p: Float64Array): number => p[0]! ** 2 * p[1]! + Math.exp(p[1]!);
    const at = Float64Array.of(1.5, 0.5);
    const g = gradient(f, at);
    expect(g[0]).toBeCloseTo(2 * 1.5 * 0.5, 6);
    expect(g[1]).toBeCloseTo(1.5 ** 2 + Math.exp(0.5), 6);
    const h = hessian(f, at);
    expect(h[0]![0]).toBeCloseTo(1, 5);
    expect(h[0]![1]).toBeCloseTo(3, 5);
    expect(h[1]![1]).toBeCloseTo(Math.exp(0.5), 5);
  });

  it('stays inside bounds: a minimum at infinity ends on the bound, converged, in a bounded number of evaluations', () => {
    // Decreasing forever along x = y (like Pareto/NBD's s, β → ∞ ridge): unbounded, the search walks on.
    const ridge = (p: Float64Array): number => (p[0]! - p[1]!) ** 2 + Math.exp(-p[0]!);
    const r = minimize(ridge, [0, 0], { bounds: { lower: [-5, -10], upper: [5, 10] } });
    expect(r.x[0]).toBe(5);
    expect(r.x[1]).toBeCloseTo(5, 5);
    expect(r.atBound).toEqual([0]);
    expect(r.converged).toBe(true);
    expect(r.evaluations).toBeLessThan(2000);
    // An interior minimum is unaffected by the box.
    const inside = minimize((p) => (p[0]! - 1) ** 2, [3], { bounds: { lower: [-5], upper: [5] } });
    expect(inside.x[0]).toBeCloseTo(1, 6);
    expect(inside.atBound).toEqual([]);
  });
});
