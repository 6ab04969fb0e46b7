import { describe, expect, it } from 'vitest';
import { fitLogistic, predictLogistic } from './logistic.ts';
import { createRng } from './rng.ts';

function simulate(n: number, seed: number): { x1: Float64Array; x2: Float64Array; y: Float64Array } {
  const rng = createRng(seed);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = 3 + 2 * rng.normal();
    x2[i] = rng.next() * 10;
    const eta = -1 + 0.8 * (x1[i]! - 3) - 0.3 * x2[i]! + 1.5;
    y[i] = rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { x1, x2, y };
}

describe('logistic regression (IRLS)', () => {
  it('recovers known coefficients', () => {
    const { x1, x2, y } = simulate(20_000, 5);
    const model = fitLogistic({ x1, x2 }, y, { lambda: 1e-6 });
    expect(model.converged).toBe(true);
    expect(model.iterations).toBeLessThan(12);
    // Back on the raw scale: slopes 0.8 and −0.3.
    expect(model.coef[0]! / model.scale[0]!).toBeCloseTo(0.8, 1);
    expect(model.coef[1]! / model.scale[1]!).toBeCloseTo(-0.3, 1);
    const intercept = model.intercept - (model.coef[0]! * model.mean[0]!) / model.scale[0]! - (model.coef[1]! * model.mean[1]!) / model.scale[1]!;
    expect(intercept).toBeCloseTo(-1 - 0.8 * 3 + 1.5, 1);
  });

  it('stops at a stationary point of the penalised likelihood', () => {
    const { x1, x2, y } = simulate(2_000, 6);
    const lambda = 5;
    const model = fitLogistic({ x1, x2 }, y, { lambda });
    const p = predictLogistic(model, { x1, x2 });
    // ∂/∂β_j = Σ (y − p) z_j − λ β_j = 0 for the standardised slopes; Σ (y − p) = 0 for the intercept.
    const score = [0, 0, 0];
    for (let i = 0; i < y.length; i++) {
      const r = y[i]! - p[i]!;
      score[0]! += r;
      score[1]! += (r * (x1[i]! - model.mean[0]!)) / model.scale[0]!;
      score[2]! += (r * (x2[i]! - model.mean[1]!)) / model.scale[1]!;
    }
    expect(score[0]).toBeCloseTo(0, 6);
    expect(score[1]! - lambda * model.coef[0]!).toBeCloseTo(0, 6);
    expect(score[2]! - lambda * model.coef[1]!).toBeCloseTo(0, 6);
  });

  it('keeps separable data finite thanks to the penalty, and ignores constant columns', () => {
    const model = fitLogistic({ x: [1, 2, 3, 4, 5, 6], c: [7, 7, 7, 7, 7, 7] }, [0, 0, 0, 1, 1, 1]);
    expect(model.converged).toBe(true);
    expect(Number.isFinite(model.coef[0]!)).toBe(true);
    expect(model.coef[1]).toBeCloseTo(0, 12);
    const p = predictLogistic(model, { x: [1, 6], c: [7, 7] });
    expect(p[0]!).toBeLessThan(0.3);
    expect(p[1]!).toBeGreaterThan(0.7);
  });

  it('reports bad input by field', () => {
    expect(() => fitLogistic({ x: [1, 2] }, [0, 2])).toThrow(/labels\[1\] = 2; expected 0 or 1/);
    expect(() => fitLogistic({ x: [1, Number.NaN] }, [0, 1])).toThrow(/x\[1\] = NaN/);
    expect(() => fitLogistic({ x: [1, 2, 3] }, [0, 1])).toThrow(/x has 3 rows but labels has 2/);
    const model = fitLogistic({ x: [1, 2, 3, 4] }, [0, 1, 0, 1]);
    expect(() => predictLogistic(model, { y: [1] })).toThrow(/feature "x" is missing/);
  });
});
