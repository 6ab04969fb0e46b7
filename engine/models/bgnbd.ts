import { gammaln } from 'simple-statistics';
import { inverse, Matrix } from 'ml-matrix';
import { ForesightError } from '../core/errors.ts';
import { compressRows, uniqueIndex } from './compress.ts';
import { hessian, minimize } from './optimize.ts';
import { requirePurchaseData } from './validate.ts';

/**
 * BG/NBD ("beta-geometric / negative binomial distribution", Fader, Hardie & Lee 2005,
 * "Counting Your Customers the Easy Way"). While alive a customer buys as a Poisson process
 * with rate λ ~ Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b).
 * Inputs per customer: x repeat purchases, recency t_x and age T (same time unit).
 */

export interface BgnbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgnbdData {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
  /** How many customers each row stands for (compressed input); default 1. */
  weight?: ArrayLike<number>;
}

export interface BgnbdFit {
  params: BgnbdParams;
  logLik: number;
  /** Number of customers (sum of weights). */
  customers: number;
  /** Asymptotic standard errors (inverse observed information, delta method from the log scale). */
  standardErrors: BgnbdParams;
  converged: boolean;
  evaluations: number;
}

/**
 * Maximum-likelihood fit on log-parameters (Nelder–Mead with restart, BFGS polish). Identical
 * (x, t_x, T) rows are grouped first, so large cohorts fit in well under a second.
 * @example
 * const fit = fitBgnbd({ x: table.x, tx: table.tx, T: table.T });
 * fit.params.r; fit.logLik;
 */
export function fitBgnbd(data: BgnbdData): BgnbdFit {
  const prepared = prepare(data);
  if (prepared.customers === 0) {
    throw new ForesightError('no_customers', 'BG/NBD fit needs at least one customer; check the orders and the calibration end', { field: 'x' });
  }
  const objective = (theta: Float64Array): number => -logLikelihood(prepared, theta) / prepared.customers;
  const meanT = weightedMean(prepared.uT.values, prepared.uT.index, prepared.weight);
  const result = minimize(objective, [0, 0, 0, 0], { starts: [[Math.log(0.5), Math.log(Math.max(meanT, 1e-3) / 4), 0, Math.log(2)]] });
  const theta = result.x;
  const params = fromLog(theta);
  const logLik = logLikelihood(prepared, theta);
  if (!Number.isFinite(logLik)) {
    throw new ForesightError('fit_failed', 'BG/NBD fit did not find finite parameters; the data may hold too few repeat purchases', { field: 'x' });
  }
  return {
    params,
    logLik,
    customers: prepared.customers,
    standardErrors: standardErrors(prepared, theta),
    converged: result.converged,
    evaluations: result.evaluations,
  };
}

/**
 * Total log-likelihood of the data under given parameters.
 * @example bgnbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, data) // ≈ -9582.4 on CDNOW
 */
export function bgnbdLogLikelihood(params: BgnbdParams, data: BgnbdData): number {
  return logLikelihood(prepare(data), Float64Array.of(Math.log(params.r), Math.log(params.alpha), Math.log(params.a), Math.log(params.b)));
}

/**
 * P(alive | x, t_x, T). Computed from log-odds, so huge x and T give 0 or 1, never NaN.
 * @example pAlive({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 2, 30.43, 38.86) // ≈ 0.727
 */
export function pAlive(p: BgnbdParams, x: number, tx: number, T: number): number {
  return 1 / (1 + Math.exp(logDeadOdds(p, x, tx, T)));
}

/**
 * Expected purchases in (T, T + t] given the history (FHL 2005 eq. 10). The Gauss
 * hypergeometric term is rewritten with two Pfaff transformations (i.e. Euler's):
 *   ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)
 *     = (1 + t/(α+T))^(1−a) · 2F1(a−1, a+b−1−r; a+b+x−1; z),   z = t/(α+T+t),
 * which removes the huge power/huge series product for large x, keeps z in [0, 1), and
 * exposes a factor (a−1) that cancels the formula's 1/(a−1) exactly (no blow-up at a ≈ 1).
 * @example expectedPurchases({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 2, 30.43, 38.86, 39) // ≈ 1.226
 */
export function expectedPurchases(p: BgnbdParams, x: number, tx: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const terms = seriesCoefficients(p, x, t / (p.alpha + T + t));
  return purchasesIfAlive(p, x, T, t, terms) * pAlive(p, x, tx, T);
}

/**
 * Expected purchases in (T, T + t] for a customer known to be alive at T. MBG/NBD's
 * alive-customer expectation is this formula with b + 1 in place of b.
 * @example expectedPurchasesIfAlive({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 0, 0, 39) // E[X(39)] of a new customer
 */
export function expectedPurchasesIfAlive(p: BgnbdParams, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  return purchasesIfAlive(p, x, T, t, seriesCoefficients(p, x, t / (p.alpha + T + t)));
}

/** Expected purchases in (T, T + t] for a customer known to be alive at T; `terms` from seriesCoefficients. */
function purchasesIfAlive(p: BgnbdParams, x: number, T: number, t: number, terms: number): number {
  const { alpha, a, b } = p;
  const L = Math.log1p(t / (alpha + T));
  const u = (a - 1) * L;
  // (1 − e^(−u)) / (a − 1), written so it stays exact as a → 1.
  const lead = Math.abs(u) < 1e-10 ? L * (1 - u / 2) : -Math.expm1(-u) / (a - 1);
  return (a + b + x - 1) * (lead - Math.exp(-u) * seriesAt(t / (alpha + T + t), terms));
}

/**
 * P(no purchase in (T, T + t] | history) = L(x, t_x, T + t) / L(x, t_x, T): the BG/NBD
 * likelihood of a history is exactly the probability of it *and* of silence until T, so the
 * ratio is exact. 1 minus this is the model's "buys at least once in the horizon".
 * @example probabilityNoPurchase({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 0, 0, 38.86, 39) // ≈ 0.855
 */
export function probabilityNoPurchase(p: BgnbdParams, x: number, tx: number, T: number, t: number): number {
  if (t <= 0) return 1;
  const later = logDeadOdds(p, x, tx, T + t);
  const now = logDeadOdds(p, x, tx, T);
  // Clamped: for a surely-dead customer the exact value is 1, and rounding may overshoot it.
  return Math.min(1, Math.exp(-(p.r + x) * Math.log1p(t / (p.alpha + T)) + softplus(later) - softplus(now)));
}

/**
 * log of the "dropped out after the last purchase" term over the "still alive" term of the
 * likelihood; P(alive) = 1 / (1 + e^lr). −Infinity when x = 0 (no purchase to drop out after).
 */
function logDeadOdds(p: BgnbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return -Infinity;
  return Math.log(p.a / (p.b + x - 1)) + (p.r + x) * Math.log1p((T - tx) / (p.alpha + tx));
}

/**
 * S(z) = Σ_{k≥1} s_k z^k with s_k = (a)_{k−1} (β)_k / ((c)_k k!), β = a+b−1−r, c = a+b+x−1,
 * so that 2F1(a−1, β; c; z) = 1 + (a−1)·S. The coefficients depend on the customer only:
 * `seriesCoefficients` fills them (in a reused module buffer) up to the term count that the
 * largest z needs for full precision — the tail bound uses the asymptotic term ratio z — and
 * `seriesAt` sums them for any z up to that one. Converges for z in [0, 1).
 */
let coefficients = new Float64Array(256);

function seriesCoefficients(p: BgnbdParams, x: number, zMax: number): number {
  if (zMax <= 0) return 0;
  const a = p.a;
  const beta = p.a + p.b - 1 - p.r;
  const c = p.a + p.b + x - 1;
  let coef = beta / c;
  let power = zMax;
  let sum = coef * zMax;
  coefficients[0] = coef;
  let k = 1;
  for (; k < 10_000_000; k++) {
    const ratio = ((a + k - 1) * (beta + k)) / ((c + k) * (k + 1));
    coef *= ratio;
    power *= zMax;
    if (k >= coefficients.length) {
      const grown = new Float64Array(coefficients.length * 2);
      grown.set(coefficients);
      coefficients = grown;
    }
    coefficients[k] = coef;
    const term = coef * power;
    sum += term;
    const bound = Math.max(Math.abs(ratio * zMax), zMax);
    if (bound < 1 && (Math.abs(term) * bound) / (1 - bound) <= 1e-15 * Math.abs(sum)) break;
  }
  return k + 1;
}

function seriesAt(z: number, terms: number): number {
  let sum = 0;
  let power = 1;
  for (let k = 0; k < terms; k++) {
    power *= z;
    sum += coefficients[k]! * power;
  }
  return sum;
}

function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

interface Prepared {
  weight: Float64Array;
  customers: number;
  ux: ReturnType<typeof uniqueIndex>;
  utx: ReturnType<typeof uniqueIndex>;
  uT: ReturnType<typeof uniqueIndex>;
  /** Scratch buffers reused across likelihood evaluations (no allocation per call). */
  perX: { base: Float64Array; shape: Float64Array; logRatio: Float64Array };
  logAlphaT: Float64Array;
  logAlphaTx: Float64Array;
}

function prepare(data: BgnbdData): Prepared {
  requirePurchaseData(data);
  const rows = compressRows([data.x, data.tx, data.T], data.weight);
  const [x, tx, T] = rows.columns as [Float64Array, Float64Array, Float64Array];
  const ux = uniqueIndex(x);
  const utx = uniqueIndex(tx);
  const uT = uniqueIndex(T);
  let customers = 0;
  for (const w of rows.weight) customers += w;
  const k = ux.values.length;
  return {
    weight: rows.weight,
    customers,
    ux,
    utx,
    uT,
    perX: { base: new Float64Array(k), shape: new Float64Array(k), logRatio: new Float64Array(k) },
    logAlphaT: new Float64Array(uT.values.length),
    logAlphaTx: new Float64Array(utx.values.length),
  };
}

/**
 * ll_i = lnΓ(r+x) − lnΓ(r) + r ln α + ln B(a, b+x) − ln B(a, b) − (r+x) ln(α+T) + softplus(lr),
 * with the x-only terms computed once per distinct x and the logs once per distinct T, t_x.
 */
function logLikelihood(d: Prepared, theta: Float64Array): number {
  const { r, alpha, a, b } = fromLog(theta);
  const common = -gammaln(r) + r * Math.log(alpha) - gammaln(b) + gammaln(a + b);
  const { base, shape, logRatio } = d.perX;
  for (let j = 0; j < d.ux.values.length; j++) {
    const x = d.ux.values[j]!;
    base[j] = common + gammaln(r + x) + gammaln(b + x) - gammaln(a + b + x);
    shape[j] = r + x;
    logRatio[j] = x > 0 ? Math.log(a / (b + x - 1)) : -Infinity;
  }
  for (let k = 0; k < d.uT.values.length; k++) d.logAlphaT[k] = Math.log(alpha + d.uT.values[k]!);
  for (let k = 0; k < d.utx.values.length; k++) d.logAlphaTx[k] = Math.log(alpha + d.utx.values[k]!);
  const weight = d.weight;
  const xIndex = d.ux.index;
  const tIndex = d.uT.index;
  const txIndex = d.utx.index;
  const logAlphaT = d.logAlphaT;
  const logAlphaTx = d.logAlphaTx;
  let ll = 0;
  for (let i = 0; i < weight.length; i++) {
    const j = xIndex[i]!;
    const lT = logAlphaT[tIndex[i]!]!;
    const s = shape[j]!;
    let v = base[j]! - s * lT;
    const lr = logRatio[j]!;
    if (lr !== -Infinity) v += softplus(lr + s * (lT - logAlphaTx[txIndex[i]!]!));
    ll += weight[i]! * v;
  }
  return ll;
}

function fromLog(theta: ArrayLike<number>): BgnbdParams {
  return { r: Math.exp(theta[0]!), alpha: Math.exp(theta[1]!), a: Math.exp(theta[2]!), b: Math.exp(theta[3]!) };
}

function standardErrors(d: Prepared, theta: Float64Array): BgnbdParams {
  const h = hessian((t) => -logLikelihood(d, t), theta);
  const params = fromLog(theta);
  const values = [params.r, params.alpha, params.a, params.b];
  let cov: number[][];
  try {
    cov = inverse(new Matrix(h)).to2DArray();
  } catch {
    cov = h.map(() => h.map(() => NaN));
  }
  const se = values.map((v, i) => v * Math.sqrt(Math.max(cov[i]![i]!, 0)));
  return { r: se[0]!, alpha: se[1]!, a: se[2]!, b: se[3]! };
}

function weightedMean(values: Float64Array, index: Uint32Array, weight: Float64Array): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < index.length; i++) {
    s += weight[i]! * values[index[i]!]!;
    w += weight[i]!;
  }
  return w > 0 ? s / w : 0;
}
