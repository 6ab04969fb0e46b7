import { describe, expect, it } from 'vitest';
import { gammaln } from 'simple-statistics';
import { loadCdnowSample } from './cdnow.fixture.ts';
import { createRng } from './rng.ts';
import { hyp2f1 } from './hyp2f1.ts';
import { fitParetoNbd, paretoNbdExpectedPurchases, paretoNbdModel, paretoNbdPAlive, paretoNbdRowLogLik } from './pareto-nbd.ts';

// Published Pareto/NBD estimates on the CDNOW sample in weeks (Fader, Hardie & Lee 2005; the
// lifetimes ParetoNBDFitter gives the same): r 0.553, α 10.578, s 0.606, β 11.669, LL −9595.0.
const PUBLISHED = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

describe('Pareto/NBD', () => {
  it('reproduces the published CDNOW sample estimates', async () => {
    const { table } = await loadCdnowSample();
    const fit = fitParetoNbd(table);
    expect(fit.converged).toBe(true);
    for (const key of ['r', 'alpha', 's', 'beta'] as const) expect(Math.abs(fit.params[key] / PUBLISHED[key] - 1)).toBeLessThan(0.002);
    expect(fit.logLik).toBeCloseTo(-9594.98, 1);
  });

  it('a new customer expects the closed-form rβ/(α(s−1))·[1 − (β/(β+t))^(s−1)] purchases', () => {
    const { r, alpha, s, beta } = PUBLISHED;
    const t = 39;
    expect(paretoNbdExpectedPurchases(PUBLISHED, 0, 0, 0, t)).toBeCloseTo(((r * beta) / (alpha * (s - 1))) * (1 - (beta / (beta + t)) ** (s - 1)), 12);
  });

  it('one-time buyers can have left, and long silence lowers P(alive)', () => {
    expect(paretoNbdPAlive(PUBLISHED, 0, 0, 38)).toBeLessThan(1);
    expect(paretoNbdPAlive(PUBLISHED, 0, 0, 38)).toBeLessThan(paretoNbdPAlive(PUBLISHED, 0, 0, 5));
    expect(paretoNbdPAlive(PUBLISHED, 3, 30, 38)).toBeGreaterThan(paretoNbdPAlive(PUBLISHED, 3, 5, 38));
    // Purchases right up to T: nothing could have ended unseen.
    expect(paretoNbdPAlive(PUBLISHED, 3, 38, 38)).toBe(1);
  });

  it('takes A0 by quadrature where the 2F1 argument nears 1, agreeing with the series', () => {
    // α ≪ β: the argument (β − α)/(β + t_x) is 0.95 at t_x = 0 — the quadrature path.
    const p = { r: 1.2, alpha: 30, s: 17.5, beta: 1200 };
    const rsx = p.r + p.s + 2;
    const series = (u: number) => hyp2f1(rsx, p.r + 2, rsx + 1, (p.beta - p.alpha) / (p.beta + u)) / (p.beta + u) ** rsx;
    const head = gammaln(p.r + 2) - gammaln(p.r) + p.r * Math.log(p.alpha) + p.s * Math.log(p.beta);
    const expected = head + Math.log((30 + 38) ** -(p.r + 2) * (p.beta + 38) ** -p.s + (p.s / rsx) * (series(0) - series(38)));
    expect(paretoNbdRowLogLik(p, 2, 0, 38)).toBeCloseTo(expected, 9);
  });

  it('P(no purchase in t) agrees with the expected purchases near t = 0 and falls with t', () => {
    const model = paretoNbdModel({ params: PUBLISHED, logLik: 0, customers: 1, converged: true });
    const dt = 1e-4;
    // For small t, P(≥ 1 purchase) ≈ E[purchases].
    expect((1 - model.probabilityNoPurchase(2, 30.43, 38.86, dt)) / model.expectedPurchases(2, 30.43, 38.86, dt)).toBeCloseTo(1, 3);
    expect(model.probabilityNoPurchase(2, 30.43, 38.86, 52)).toBeLessThan(model.probabilityNoPurchase(2, 30.43, 38.86, 13));
    // Both branches of A0 (α ≥ β and α < β) give the same likelihood at α = β ± ε.
    const eps = 1e-7;
    expect(paretoNbdRowLogLik({ ...PUBLISHED, alpha: 11 + eps, beta: 11 }, 2, 10, 38)).toBeCloseTo(paretoNbdRowLogLik({ ...PUBLISHED, alpha: 11, beta: 11 + eps }, 2, 10, 38), 5);
  });

  it('stops on the bound of s when dropout does not vary between customers, instead of chasing s, β → ∞', () => {
    // Every customer has the same dropout rate μ = 0.02 a week: the likelihood keeps rising as
    // s, β → ∞ with β/s = 1/μ. The fit must end at the bound on s with the right mean lifetime.
    const rng = createRng(11);
    const n = 400;
    const x = new Float64Array(n);
    const tx = new Float64Array(n);
    const T = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      T[i] = 20 + rng.next() * 40;
      const lambda = rng.gamma(2, 10);
      const end = Math.min(T[i]!, rng.exponential(0.02));
      for (let t = rng.exponential(lambda); t < end; t += rng.exponential(lambda)) {
        x[i]!++;
        tx[i] = t;
      }
    }
    const fit = fitParetoNbd({ x, tx, T });
    expect(fit.atBound).toEqual(['s']);
    expect(fit.converged).toBe(true);
    expect(fit.evaluations).toBeLessThan(2000);
    expect(fit.params.beta / fit.params.s).toBeGreaterThan(25);
    expect(fit.params.beta / fit.params.s).toBeLessThan(100);
  });
});
