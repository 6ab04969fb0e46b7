import { gammaln } from 'simple-statistics';
import { ForesightError } from '../core/errors.ts';
import { minimize } from './optimize.ts';

/**
 * Shifted-beta-geometric (sBG, Fader & Hardie 2007 "How to project customer retention"), for
 * subscription-style data where churn is observed: each subscriber renews every period with
 * probability 1 − θ until they cancel, θ ~ Beta(α, β) across subscribers. The data is a
 * cohort's count still active after each period.
 */

export interface SbgParams {
  alpha: number;
  beta: number;
}

export interface SbgFit {
  params: SbgParams;
  logLik: number;
  converged: boolean;
}

/**
 * P(cancel in period t) = B(α+1, β+t−1) / B(α, β), t = 1, 2, …
 * @example sbgChurnAt({ alpha: 0.704, beta: 1.182 }, 1) // ≈ 0.373
 */
export function sbgChurnAt(p: SbgParams, t: number): number {
  return Math.exp(logBeta(p.alpha + 1, p.beta + t - 1) - logBeta(p.alpha, p.beta));
}

/**
 * S(t) = P(still active after t periods) = B(α, β+t) / B(α, β).
 * @example sbgSurvival({ alpha: 0.704, beta: 1.182 }, 7) // share of the cohort left after 7 periods
 */
export function sbgSurvival(p: SbgParams, t: number): number {
  return Math.exp(logBeta(p.alpha, p.beta + t) - logBeta(p.alpha, p.beta));
}

/**
 * Retention rate from period t−1 to t, (β+t−1)/(α+β+t−1): rises with tenure as the
 * cancel-prone leave (the survivors are a selected group, not a constant-rate cohort).
 * @example sbgRetention({ alpha: 0.704, beta: 1.182 }, 1) // ≈ 0.627
 */
export function sbgRetention(p: SbgParams, t: number): number {
  return (p.beta + t - 1) / (p.alpha + p.beta + t - 1);
}

/**
 * Fits α, β by maximum likelihood to `active[t]` = subscribers still active after t periods
 * (active[0] = the cohort size; the counts must not increase).
 * @example fitSbg([1000, 631, 468, 382, 326, 289, 262, 241]).params // ≈ { alpha: 0.704, beta: 1.182 }
 */
export function fitSbg(active: readonly number[]): SbgFit {
  if (active.length < 2) throw new ForesightError('invalid_model_input', 'active: give the cohort size and at least one later count, e.g. [1000, 631, 468]', { field: 'active' });
  for (let t = 0; t < active.length; t++) {
    const v = active[t]!;
    if (!Number.isFinite(v) || v < 0 || (t > 0 && v > active[t - 1]!)) {
      throw new ForesightError('invalid_model_input', `active[${t}] = ${v}; counts must be finite, ≥ 0 and never above the period before`, { field: `active[${t}]` });
    }
  }
  if (!(active[0]! > 0)) throw new ForesightError('invalid_model_input', 'active[0]: the cohort size must be positive', { field: 'active[0]' });
  const logLik = (p: SbgParams): number => {
    let ll = 0;
    const n = active.length - 1;
    for (let t = 1; t <= n; t++) {
      const lost = active[t - 1]! - active[t]!;
      if (lost > 0) ll += lost * Math.log(sbgChurnAt(p, t));
    }
    return ll + active[n]! * Math.log(sbgSurvival(p, n));
  };
  const toParams = (theta: ArrayLike<number>): SbgParams => ({ alpha: Math.exp(theta[0]!), beta: Math.exp(theta[1]!) });
  const result = minimize((theta) => -logLik(toParams(theta)) / active[0]!, [0, 0]);
  const params = toParams(result.x);
  return { params, logLik: logLik(params), converged: result.converged };
}

function logBeta(a: number, b: number): number {
  return gammaln(a) + gammaln(b) - gammaln(a + b);
}
