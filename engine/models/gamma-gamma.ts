import { gammaln } from 'simple-statistics';
import { ForesightError } from '../core/errors.ts';
import { uniqueIndex } from './compress.ts';
import { minimize } from './optimize.ts';
import { requireColumn, requireSameLength } from './validate.ts';

/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang 1999).
 * Each transaction value is Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, so the mean
 * m of a customer's x repeat transactions has density
 *   Γ(px+q) / (Γ(px) Γ(q)) · γ^q · m^(px−1) · x^(px) / (γ + m x)^(px+q).
 * Fitted on repeat buyers only (x > 0), on the mean spend of their repeat purchase days.
 */

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaData {
  /** Repeat purchase days per customer; rows with x = 0 are ignored. */
  x: ArrayLike<number>;
  /** Mean spend of the repeat purchase days (ignored where x = 0). */
  m: ArrayLike<number>;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLik: number;
  /** Repeat buyers the fit used. */
  customers: number;
  /** Repeat buyers left out because their mean spend was 0 (the model needs positive spend). */
  skippedZeroSpend: number;
  converged: boolean;
}

/**
 * Maximum-likelihood fit on log-parameters.
 * @example
 * const fit = fitGammaGamma({ x: table.x, m: table.repeatMean });
 * fit.params // ≈ { p: 6.25, q: 3.74, gamma: 15.44 } on the CDNOW sample
 */
export function fitGammaGamma(data: GammaGammaData): GammaGammaFit {
  requireSameLength({ x: data.x, m: data.m });
  requireColumn('x', data.x, { min: 0, integer: true });
  const xs: number[] = [];
  const logM: number[] = [];
  const ms: number[] = [];
  let skippedZeroSpend = 0;
  for (let i = 0; i < data.x.length; i++) {
    const x = data.x[i]!;
    if (x === 0) continue;
    const m = data.m[i]!;
    if (!(Number.isFinite(m) && m >= 0)) {
      throw new ForesightError('invalid_model_input', `m[${i}] = ${m}; expected the mean repeat spend, a finite number ≥ 0`, { field: `m[${i}]` });
    }
    if (m === 0) {
      skippedZeroSpend++;
      continue;
    }
    xs.push(x);
    ms.push(m);
    logM.push(Math.log(m));
  }
  if (xs.length < 2) {
    throw new ForesightError('no_repeat_buyers', `Gamma-Gamma fit needs at least 2 repeat buyers with positive spend, got ${xs.length}`, { field: 'x' });
  }
  const ux = uniqueIndex(xs);
  const m = Float64Array.from(ms);
  const lm = Float64Array.from(logM);
  const logX = ux.values.map(Math.log);
  const perX = new Float64Array(ux.values.length);

  // Terms that depend on x only (the Gamma functions) are computed once per distinct x.
  const logLik = (theta: ArrayLike<number>): number => {
    const { p, q, gamma } = fromLog(theta);
    const common = -gammaln(q) + q * Math.log(gamma);
    for (let j = 0; j < ux.values.length; j++) {
      const px = p * ux.values[j]!;
      perX[j] = common + gammaln(px + q) - gammaln(px) + px * logX[j]!;
    }
    let ll = 0;
    for (let i = 0; i < m.length; i++) {
      const x = xs[i]!;
      const px = p * x;
      ll += perX[ux.index[i]!]! + (px - 1) * lm[i]! - (px + q) * Math.log(gamma + m[i]! * x);
    }
    return ll;
  };
  const n = m.length;
  const result = minimize((t) => -logLik(t) / n, [0, 0, 0], { starts: [[Math.log(5), Math.log(3), Math.log(mean(ms))]] });
  return {
    params: fromLog(result.x),
    logLik: logLik(result.x),
    customers: n,
    skippedZeroSpend,
    converged: result.converged,
  };
}

/**
 * E[mean spend | x, m]: a precision-weighted blend of the population mean pγ/(q−1) and the
 * customer's own mean m (weight px/(px+q−1)). For x = 0 it is the population mean.
 * @example expectedAverageSpend({ p: 6.25, q: 3.74, gamma: 15.44 }, 0, 0) // ≈ 35.22
 */
export function expectedAverageSpend(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = params;
  if (x > 0) return (p * (gamma + x * m)) / (p * x + q - 1);
  if (q <= 1) {
    throw new ForesightError('heavy_tailed_spend', `Gamma-Gamma q = ${q} ≤ 1: the population mean spend is infinite; use a customer's own history`, { field: 'q' });
  }
  return (p * gamma) / (q - 1);
}

function fromLog(theta: ArrayLike<number>): GammaGammaParams {
  return { p: Math.exp(theta[0]!), q: Math.exp(theta[1]!), gamma: Math.exp(theta[2]!) };
}

function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
