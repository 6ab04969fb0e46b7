import { gammaln } from 'simple-statistics';
import { type BgnbdData, type BgnbdParams, fitBgnbd } from './bgnbd.ts';
import { hyp2f1 } from './hyp2f1.ts';
import { fitByLikelihood, likelihoodModel, type FittedParams, logAddExp, meanAge, type PurchaseModel, purchaseSearchSpace } from './purchase-model.ts';

/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987): while alive a customer buys as a Poisson
 * process with rate λ ~ Gamma(r, α) and dies after an exponential lifetime with rate
 * μ ~ Gamma(s, β) — dropout can happen at any time, also before a first repeat purchase.
 * Likelihood and conditional expressions as in Fader & Hardie's 2005 note "A Note on Deriving
 * the Pareto/NBD Model and Related Expressions".
 */

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/**
 * One customer's log-likelihood: ln Γ(r+x) − ln Γ(r) + r ln α + s ln β
 *   + ln[ (α+T)^−(r+x) (β+T)^−s + s/(r+s+x) · A0 ].
 */
export function paretoNbdRowLogLik(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const head = gammaln(p.r + x) - gammaln(p.r) + p.r * Math.log(p.alpha) + p.s * Math.log(p.beta);
  return head + logAddExp(aliveTerm(p, x, T), deadTerm(p, x, tx, T));
}

/** ln of the "alive at T" part: (α+T)^−(r+x) (β+T)^−s. */
function aliveTerm(p: ParetoNbdParams, x: number, T: number): number {
  return -(p.r + x) * Math.log(p.alpha + T) - p.s * Math.log(p.beta + T);
}

/**
 * ln of s/(r+s+x) · A0 = ln of s ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ, the "died in
 * (t_x, T]" part. A0 is a difference of two 2F1 terms with the larger of α, β in the
 * denominator so the argument lies in [0, 1); when that argument is near 1 the series needs
 * thousands of terms (fits wander there when the data has little dropout), so the integral is
 * then taken by Gauss–Legendre quadrature instead.
 */
function deadTerm(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  if (T <= tx) return -Infinity;
  const rsx = p.r + p.s + x;
  const [big, b] = p.alpha >= p.beta ? [p.alpha, p.s + 1] : [p.beta, p.r + x];
  const d = Math.abs(p.alpha - p.beta);
  if (d / (big + tx) > 0.7) {
    const quadrature = deadIntegral(p, x, tx, T);
    if (quadrature !== null) return Math.log(p.s) + quadrature;
  }
  const at = (u: number): number => Math.log(hyp2f1(rsx, b, rsx + 1, d / (big + u))) - rsx * Math.log(big + u);
  const early = at(tx);
  const late = at(T);
  // A0 = e^early − e^late > 0; written as e^early (1 − e^(late − early)).
  return Math.log(p.s / rsx) + early + Math.log(-Math.expm1(Math.min(late - early, 0)));
}

/**
 * ln ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ by 64-point Gauss–Legendre in u = ln(α+τ), where
 * the integrand is close to an exponential; null when it falls too steeply for 64 points.
 */
function deadIntegral(p: ParetoNbdParams, x: number, tx: number, T: number): number | null {
  const lo = Math.log(p.alpha + tx);
  const hi = Math.log(p.alpha + T);
  const logF = (u: number): number => {
    const tau = Math.exp(u) - p.alpha;
    return u - (p.r + x) * u - (p.s + 1) * Math.log(p.beta + tau);
  };
  if (Math.abs(logF(lo) - logF(hi)) > 80) return null;
  const half = (hi - lo) / 2;
  const mid = (hi + lo) / 2;
  let peak = -Infinity;
  for (let k = 0; k < GL.nodes.length; k++) peak = Math.max(peak, (QUADRATURE_LOG_F[k] = logF(mid + half * GL.nodes[k]!)));
  let sum = 0;
  for (let k = 0; k < GL.nodes.length; k++) sum += GL.weights[k]! * Math.exp(QUADRATURE_LOG_F[k]! - peak);
  return peak + Math.log(sum * half);
}

/** 64-point Gauss–Legendre nodes and weights on [−1, 1] (Newton on the Legendre polynomial). */
const GL = gaussLegendre(64);
/** The integrand at the nodes, kept between the two passes (the peak, then the sum). */
const QUADRATURE_LOG_F = new Float64Array(64);

function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1;
      let p1 = 0;
      for (let j = 1; j <= n; j++) {
        const p2 = p1;
        p1 = p0;
        p0 = ((2 * j - 1) * z * p1 - (j - 1) * p2) / j;
      }
      derivative = (n * (z * p0 - p1)) / (z * z - 1);
      const step = p0 / derivative;
      z -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    nodes[i] = z;
    weights[i] = 2 / ((1 - z * z) * derivative * derivative);
  }
  return { nodes, weights };
}

/**
 * @example paretoNbdPAlive({ r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 }, 2, 30.43, 38.86)
 */
export function paretoNbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const dead = deadTerm(p, x, tx, T);
  if (dead === -Infinity) return 1;
  return 1 / (1 + Math.exp(dead - aliveTerm(p, x, T)));
}

/**
 * Expected purchases in (T, T + t]: P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)].
 * @example paretoNbdExpectedPurchases(params, 2, 30.43, 38.86, 39)
 */
export function paretoNbdExpectedPurchases(p: ParetoNbdParams, x: number, tx: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const L = Math.log1p(t / (p.beta + T));
  const u = (p.s - 1) * L;
  // (1 − e^(−u)) / (s − 1), exact as s → 1 (where it becomes L).
  const lead = Math.abs(u) < 1e-10 ? L * (1 - u / 2) : -Math.expm1(-u) / (p.s - 1);
  return paretoNbdPAlive(p, x, tx, T) * ((p.r + x) * (p.beta + T) * lead) / (p.alpha + T);
}

/**
 * Maximum-likelihood Pareto/NBD fit, started from the BG/NBD fit (`from`, fitted here when not
 * given): the same purchase rate (r, α) and a dropout rate of the same mean, λ·E[p]. The search
 * runs on (s, β/s) rather than (s, β): when customers hardly differ in dropout rate the optimum
 * lies at s, β → ∞ with β/s (the mean lifetime) fixed, a ridge that is then axis-aligned and
 * ends at the bound on s instead of being followed for thousands of evaluations.
 * @example paretoNbdModel(fitParetoNbd(table)).pAlive(2, 30.43, 38.86)
 */
export function fitParetoNbd(data: BgnbdData, from?: BgnbdParams): FittedParams<ParetoNbdParams> {
  const bg = from ?? fitBgnbd(data).params;
  const lifetime = (bg.alpha * (bg.a + bg.b)) / (bg.r * bg.a);
  const space = purchaseSearchSpace([bg.r, bg.alpha, 1, lifetime], meanAge(data), true);
  const fit = fitByLikelihood<LifetimeParams>('Pareto/NBD', data, ['r', 'alpha', 's', 'lifetime'], (p, x, tx, T) => paretoNbdRowLogLik(withBeta(p), x, tx, T), space);
  return { ...fit, params: withBeta(fit.params) };
}

type LifetimeParams = { r: number; alpha: number; s: number; lifetime: number };

function withBeta(p: LifetimeParams): ParetoNbdParams {
  return { r: p.r, alpha: p.alpha, s: p.s, beta: p.s * p.lifetime };
}

/** The fitted Pareto/NBD as a PurchaseModel. */
export function paretoNbdModel(fit: FittedParams<ParetoNbdParams>): PurchaseModel {
  return likelihoodModel('pareto-nbd', fit, { pAlive: paretoNbdPAlive, expectedPurchases: paretoNbdExpectedPurchases, rowLogLik: paretoNbdRowLogLik });
}
