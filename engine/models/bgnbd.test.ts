import { describe, expect, it } from 'vitest';
import { type BgnbdParams, bgnbdLogLikelihood, expectedPurchases, fitBgnbd, pAlive, probabilityNoPurchase } from './bgnbd.ts';
import { HOLDOUT_WEEKS, loadCdnowSample, PUBLISHED_BGNBD } from './cdnow.fixture.ts';
import { compressRows } from './compress.ts';
import { purchaseDaysBetween } from './features.ts';

/** Textbook 2F1 power series, valid for |z| < 1 — the reference for the transformed form. */
function hyp2f1Direct(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 100_000 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    sum += term;
  }
  return sum;
}

/** FHL 2005 eq. (10), exactly as printed. */
function expectedPurchasesAsPrinted(p: BgnbdParams, x: number, tx: number, T: number, t: number): number {
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const num = ((a + b + x - 1) / (a - 1)) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1Direct(r + x, b + x, a + b + x - 1, z));
  const den = 1 + (x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 0);
  return num / den;
}

describe('BG/NBD', () => {
  it('reproduces the published CDNOW sample estimates within 0.5%', async () => {
    const { table } = await loadCdnowSample();
    const fit = fitBgnbd(table);
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(2357);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[key] / PUBLISHED_BGNBD[key] - 1)).toBeLessThan(0.005);
    }
    expect(fit.logLik).toBeCloseTo(-9582.4, 0);
    expect(bgnbdLogLikelihood(PUBLISHED_BGNBD, table)).toBeLessThanOrEqual(fit.logLik);
    // Standard errors from the observed information are positive and modest.
    expect(fit.standardErrors.r).toBeGreaterThan(0.005);
    expect(fit.standardErrors.r).toBeLessThan(0.03);
  });

  it('matches hand-computed values for CDNOW customers c1 and c2', async () => {
    const { table } = await loadCdnowSample();
    const p = PUBLISHED_BGNBD;
    // c1 (ID 1516 in the master file, the worked example of FHL 2005): x = 2, t_x = 30.43, T = 38.86.
    const i = table.ids.indexOf('c1');
    expect([table.x[i], +table.tx[i]!.toFixed(2), +table.T[i]!.toFixed(2)]).toEqual([2, 30.43, 38.86]);
    const odds = (p.a / (p.b + 2 - 1)) * ((p.alpha + 38.857142857142854) / (p.alpha + 30.428571428571427)) ** (p.r + 2);
    expect(pAlive(p, 2, table.tx[i]!, table.T[i]!)).toBeCloseTo(1 / (1 + odds), 12);
    expect(pAlive(p, 2, table.tx[i]!, table.T[i]!)).toBeCloseTo(0.7266, 4);
    // The paper's worked example: 1.226 expected purchases in weeks 40–78.
    expect(expectedPurchases(p, 2, 30.43, 38.86, 39)).toBeCloseTo(1.226, 3);
    // c2: x = 1, t_x = 1.71, T = 38.86 — long silent after one repeat purchase, so likely gone.
    const j = table.ids.indexOf('c2');
    const odds2 = (p.a / p.b) * ((p.alpha + table.T[j]!) / (p.alpha + table.tx[j]!)) ** (p.r + 1);
    expect(pAlive(p, 1, table.tx[j]!, table.T[j]!)).toBeCloseTo(1 / (1 + odds2), 12);
    expect(pAlive(p, 1, table.tx[j]!, table.T[j]!)).toBeLessThan(0.35);
  });

  it('agrees with the printed closed form where the plain series converges', () => {
    const p = PUBLISHED_BGNBD;
    for (const [x, tx, T, t] of [[0, 0, 38.86, 39], [2, 30.43, 38.86, 39], [5, 20, 38, 10], [1, 2, 30, 52], [7, 35, 39, 39], [3, 10, 39, 100]] as const) {
      expect(expectedPurchases(p, x, tx, T, t)).toBeCloseTo(expectedPurchasesAsPrinted(p, x, tx, T, t), 10);
    }
    // a = 1 makes the printed form 0/0; the transformed form is its continuous limit.
    const q = { r: 0.3, alpha: 4, a: 1, b: 2 };
    expect(expectedPurchases(q, 2, 20, 30, 10)).toBeCloseTo(expectedPurchasesAsPrinted({ ...q, a: 1 + 1e-7 }, 2, 20, 30, 10), 6);
  });

  it('stays finite for very large x and T', () => {
    const p = PUBLISHED_BGNBD;
    for (const [tx, t] of [[10_000, 39], [9_000, 39], [10_000, 1e7], [0.5, 1]] as const) {
      const e = expectedPurchases(p, 500, tx, 10_000, t);
      const alive = pAlive(p, 500, tx, 10_000);
      const none = probabilityNoPurchase(p, 500, tx, 10_000, t);
      for (const v of [e, alive, none]) expect(Number.isFinite(v)).toBe(true);
      expect(alive).toBeGreaterThanOrEqual(0);
      expect(alive).toBeLessThanOrEqual(1);
      expect(none).toBeGreaterThanOrEqual(0);
      expect(none).toBeLessThanOrEqual(1);
    }
    // Alive with rate ≈ (r + x)/(α + T) ≈ 0.05 per week: about 1.94 purchases in 39 weeks.
    expect(expectedPurchases(p, 500, 10_000, 10_000, 39)).toBeCloseTo(1.944, 2);
  });

  it('computes P(no purchase) exactly as a likelihood ratio', () => {
    const p = PUBLISHED_BGNBD;
    // x = 0: the customer cannot have dropped out yet, so it is ((α+T)/(α+T+t))^r.
    expect(probabilityNoPurchase(p, 0, 0, 38.86, 39)).toBeCloseTo(((p.alpha + 38.86) / (p.alpha + 77.86)) ** p.r, 12);
    const ll = (T: number): number => bgnbdLogLikelihood(p, { x: [2], tx: [30.43], T: [T] });
    expect(probabilityNoPurchase(p, 2, 30.43, 38.86, 39)).toBeCloseTo(Math.exp(ll(77.86) - ll(38.86)), 12);
    // E[Y] ≥ P(Y ≥ 1).
    expect(expectedPurchases(p, 2, 30.43, 38.86, 39)).toBeGreaterThan(1 - probabilityNoPurchase(p, 2, 30.43, 38.86, 39));
  });

  it('forecasts the CDNOW holdout in aggregate (1,882 repeat purchase days in weeks 40–78)', async () => {
    const { table, index } = await loadCdnowSample();
    const fit = fitBgnbd(table);
    const actual = purchaseDaysBetween(index, table, table.cutoffDay, table.cutoffDay + 7 * HOLDOUT_WEEKS).reduce((s, v) => s + v, 0);
    expect(actual).toBe(1882);
    let predicted = 0;
    for (let i = 0; i < table.n; i++) predicted += expectedPurchases(fit.params, table.x[i]!, table.tx[i]!, table.T[i]!, HOLDOUT_WEEKS);
    // The conditional forecast sums to ≈1,653 (12% under): loose check only.
    expect(predicted).toBeGreaterThan(1882 * 0.85);
    expect(predicted).toBeLessThan(1882 * 1.15);
  });

  it('gives the same likelihood for compressed (weighted) input', async () => {
    const { table } = await loadCdnowSample();
    const rows = compressRows([table.x, table.tx, table.T]);
    expect(rows.weight.length).toBeLessThan(table.n);
    const [x, tx, T] = rows.columns as [Float64Array, Float64Array, Float64Array];
    expect(bgnbdLogLikelihood(PUBLISHED_BGNBD, { x, tx, T, weight: rows.weight })).toBeCloseTo(bgnbdLogLikelihood(PUBLISHED_BGNBD, table), 8);
  });

  it('rejects impossible summaries, naming the row', () => {
    expect(() => fitBgnbd({ x: [1, 2], tx: [5, 9], T: [10, 8] })).toThrow(/tx\[1\] = 9 exceeds T\[1\] = 8/);
    expect(() => fitBgnbd({ x: [1.5], tx: [1], T: [2] })).toThrow(/x\[0\] = 1.5; expected an integer/);
    expect(() => fitBgnbd({ x: [1], tx: [1], T: [2, 3] })).toThrow(/T has 2 rows but x has 1/);
    expect(() => fitBgnbd({ x: [], tx: [], T: [] })).toThrow(/at least one customer/);
  });
});
