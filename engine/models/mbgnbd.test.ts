import { describe, expect, it } from 'vitest';
import { expectedPurchases, fitBgnbd } from './bgnbd.ts';
import { loadCdnowSample } from './cdnow.fixture.ts';
import { fitMbgnbd, mbgnbdExpectedPurchases, mbgnbdModel, mbgnbdPAlive } from './mbgnbd.ts';

// lifetimes' ModifiedBetaGeoFitter on the CDNOW sample (weeks): r 0.525, α 6.183, a 0.891, b 1.614.
const REFERENCE = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };

describe('MBG/NBD', () => {
  it('reproduces the reference CDNOW sample estimates and fits at least as well as BG/NBD', async () => {
    const { table } = await loadCdnowSample();
    const fit = fitMbgnbd(table);
    expect(fit.converged).toBe(true);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(fit.params[key] / REFERENCE[key] - 1)).toBeLessThan(0.002);
    expect(fit.logLik).toBeGreaterThan(fitBgnbd(table).logLik - 1);
  });

  it('unlike BG/NBD, a silent one-time buyer may have left', () => {
    expect(mbgnbdPAlive(REFERENCE, 0, 0, 38)).toBeLessThan(0.7);
    expect(mbgnbdPAlive(REFERENCE, 0, 0, 38)).toBeLessThan(mbgnbdPAlive(REFERENCE, 0, 0, 2));
  });

  it('a new customer expects b/(a−1)·[1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))] purchases — the BG/NBD form with b+1, times b/(a+b)', () => {
    const p = REFERENCE;
    const bgWithB1 = expectedPurchases({ ...p, b: p.b + 1 }, 0, 0, 0, 39);
    expect(mbgnbdExpectedPurchases(p, 0, 0, 0, 39)).toBeCloseTo((bgWithB1 * p.b) / (p.a + p.b), 12);
  });

  it('P(no purchase in t) matches the expected purchases near t = 0', () => {
    const model = mbgnbdModel({ params: REFERENCE, logLik: 0, customers: 1, converged: true });
    const dt = 1e-4;
    expect((1 - model.probabilityNoPurchase(2, 30.43, 38.86, dt)) / model.expectedPurchases(2, 30.43, 38.86, dt)).toBeCloseTo(1, 3);
  });
});
