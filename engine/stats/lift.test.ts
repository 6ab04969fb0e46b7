import { describe, expect, it } from 'vitest';
import { liftReport, summarize, type GroupOutcome } from './lift.ts';

/*
 * A hand-computed example. Treated: 1,000 customers, 200 converted, revenue mean 12 with sample
 * variance 400 (sd 20). Held out: 500 customers, 75 converted, revenue mean 10, variance 225 (sd 15).
 * Sums fed in: revenue = n·mean; squares = (n−1)·var + n·mean²
 *   treated: 12,000 and 999·400 + 1000·144 = 543,600;  held out: 5,000 and 499·225 + 500·100 = 162,275.
 */
const treated: GroupOutcome = { customers: 1000, conversions: 200, revenue: 12_000, revenueSquares: 543_600 };
const holdout: GroupOutcome = { customers: 500, conversions: 75, revenue: 5_000, revenueSquares: 162_275 };

describe('liftReport: a hand-computed example', () => {
  const r = liftReport(treated, holdout);

  it('conversion: two-proportion difference with a Wald interval, relative lift with the log risk-ratio interval', () => {
    // pT = 200/1000 = 0.20, pC = 75/500 = 0.15, difference 0.05
    // se = √(0.2·0.8/1000 + 0.15·0.85/500) = √(0.00016 + 0.000255) = √0.000415 = 0.0203715
    // 95 %: 0.05 ± 1.959964 · 0.0203715 = 0.05 ± 0.0399275 → [0.0100725, 0.0899275]
    expect(r.status).toBe('ok');
    expect(r.conversion!.treated).toBeCloseTo(0.2, 10);
    expect(r.conversion!.holdout).toBeCloseTo(0.15, 10);
    expect(r.conversion!.absolute).toBeCloseTo(0.05, 10);
    expect(r.conversion!.absoluteCi95[0]).toBeCloseTo(0.0100725, 6);
    expect(r.conversion!.absoluteCi95[1]).toBeCloseTo(0.0899275, 6);
    expect(r.conversion!.significant).toBe(true);
    // relative: 0.2/0.15 − 1 = 0.333333; ln(1.333333) = 0.2876821
    // se(ln RR) = √(1/200 − 1/1000 + 1/75 − 1/500) = √0.0153333 = 0.1238278; × 1.959964 = 0.2426980
    // exp(0.2876821 − 0.2426980) − 1 = exp(0.0449841) − 1 = 0.0460111; exp(0.5303801) − 1 = 0.6995783
    expect(r.conversion!.relative).toBeCloseTo(1 / 3, 10);
    expect(r.conversion!.relativeCi95![0]).toBeCloseTo(0.0460111, 6);
    expect(r.conversion!.relativeCi95![1]).toBeCloseTo(0.6995783, 6);
  });

  it('revenue per customer: Welch interval, relative lift by the delta method, incremental revenue', () => {
    // se² = 400/1000 + 225/500 = 0.4 + 0.45 = 0.85, se = 0.9219544
    // df = 0.85² / (0.4²/999 + 0.45²/499) = 0.7225 / (0.00016016 + 0.00040581) = 1276.565
    // t(0.975, 1276.565) = 1.961824; 2 ± 1.961824 · 0.9219544 = 2 ± 1.8087124 → [0.1912876, 3.8087124]
    const rev = r.revenuePerCustomer!;
    expect(rev.treated).toBeCloseTo(12, 10);
    expect(rev.holdout).toBeCloseTo(10, 10);
    expect(rev.absolute).toBeCloseTo(2, 10);
    expect(rev.df).toBeCloseTo(1276.565, 2);
    expect(rev.absoluteCi95[0]).toBeCloseTo(0.1912876, 5);
    expect(rev.absoluteCi95[1]).toBeCloseTo(3.8087124, 5);
    // relative 12/10 − 1 = 0.2; se = 1.2 · √(0.4/144 + 0.45/100) = 1.2 · √0.00727778 = 0.1023719
    // 0.2 ± 1.961824 · 0.1023719 = 0.2 ± 0.2008356 → [−0.0008356, 0.4008356]
    expect(rev.relative).toBeCloseTo(0.2, 10);
    expect(rev.relativeCi95![0]).toBeCloseTo(-0.0008356, 5);
    expect(rev.relativeCi95![1]).toBeCloseTo(0.4008356, 5);
    // incremental revenue: 2 per treated customer × 1,000 = 2,000, interval × 1,000
    expect(r.incrementalRevenue!.value).toBeCloseTo(2000, 6);
    expect(r.incrementalRevenue!.ci95[0]).toBeCloseTo(191.2876, 2);
    expect(r.incrementalRevenue!.ci95[1]).toBeCloseTo(3808.7124, 2);
  });

  it('sample size for a 10 % relative effect at α 0.05 and power 0.8, at the current 2:1 split', () => {
    // p1 = 0.15, p2 = 0.165, Δ = 0.015, k = 1000/500 = 2, p̄ = (0.15 + 2·0.165)/3 = 0.16
    // zα = 1.959964 · √(0.16·0.84·(1 + 1/2)) = 1.959964 · 0.4489989 = 0.8800217
    // zβ = 0.8416212 · √(0.15·0.85 + 0.165·0.835/2) = 0.8416212 · √0.1963875 = 0.8416212 · 0.4431563 = 0.3729696
    // held out: (0.8800217 + 0.3729696)² / 0.015² = 1.5699870 / 0.000225 = 6977.7 → 6,978; treated 2 × 6977.7 → 13,956
    // still needed: 6,978 + 13,956 − 1,500 = 19,434
    expect(r.sampleSize).toEqual({ mde: 0.1, alpha: 0.05, power: 0.8, required: { holdout: 6978, treated: 13956 }, remaining: 19434 });
  });

  it('a larger effect needs fewer customers, and none remain once reached', () => {
    const big = liftReport(treated, holdout, { mde: 0.5 });
    expect(big.sampleSize!.required.holdout).toBeLessThan(500);
    expect(big.sampleSize!.remaining).toBe(0);
  });
});

describe('liftReport: not enough data', () => {
  it('says so, and why, until each group can carry the comparison', () => {
    const r = liftReport({ customers: 200, conversions: 30, revenue: 900, revenueSquares: 9000 }, { customers: 20, conversions: 2, revenue: 50, revenueSquares: 400 });
    expect(r.status).toBe('not enough data');
    expect(r.reasons).toEqual(['held out: 20 customers, at least 30 needed', 'held out: 2 conversions, at least 5 needed']);
    expect(r.conversion).toBeNull();
    expect(r.revenuePerCustomer).toBeNull();
    expect(r.incrementalRevenue).toBeNull();
    // The counts are still shown, and the plan for how many more are needed.
    expect(r.holdout).toEqual({ customers: 20, conversions: 2, conversionRate: 0.1, revenue: 50, revenuePerCustomer: 2.5 });
    expect(r.sampleSize!.remaining).toBeGreaterThan(0);
  });

  it('an empty held-out group has no rates and no plan', () => {
    const r = liftReport({ customers: 100, conversions: 10, revenue: 0, revenueSquares: 0 }, { customers: 0, conversions: 0, revenue: 0, revenueSquares: 0 });
    expect(r.status).toBe('not enough data');
    expect(r.holdout.conversionRate).toBeNull();
    expect(r.sampleSize).toBeNull();
  });
});

describe('summarize', () => {
  it('sums per-customer outcomes', () => {
    expect(summarize([{ converted: true, revenue: 3 }, { converted: false, revenue: 0 }, { converted: true, revenue: 4 }])).toEqual({ customers: 3, conversions: 2, revenue: 7, revenueSquares: 25 });
  });
});
