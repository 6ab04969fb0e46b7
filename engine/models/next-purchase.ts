/// <reference path="../types/jstat.d.ts" />
import jStat from 'jstat';
import type { BgnbdParams } from './bgnbd.ts';
import type { FeatureTable } from './features.ts';
import { dateOfDay, daysPerUnit } from './time.ts';
import { requireScalar } from './validate.ts';
import type { TimeUnit } from './types.ts';

/**
 * When will a customer buy next? Two sources:
 * - own cycle, for regular buyers (≥ 3 purchase days, so ≥ 2 gaps): their log inter-purchase
 *   gaps, shrunk towards the population by empirical Bayes (normal–normal on log gaps:
 *   gap_ij ~ N(μ_i, σ²), μ_i ~ N(μ₀, τ²)). The prediction is anchored at the last purchase:
 *   last + exp(posterior mean), with a predictive interval from N(μ_i*, σ² + v_i).
 * - BG/NBD, for everyone else: if alive at the cutoff, λ | history ~ Gamma(r + x, α + T), so
 *   the wait W from the cutoff has P(W > w) = (β / (β + w))^s (s = r + x, β = α + T) and the
 *   quantile w_q = β((1 − q)^(−1/s) − 1); the median is the prediction.
 * - population, when no BG/NBD fit is available: the population cycle exp(μ₀) from the last purchase.
 * Waits are capped at `maxDays` (default 10 years) so far-off predictions stay valid dates.
 */

export type NextPurchaseSource = 'own-cycle' | 'bgnbd' | 'population';

export interface NextPurchase {
  at: Date;
  low: Date;
  high: Date;
  source: NextPurchaseSource;
  /** The typical gap in days behind the prediction (the median gap of the source). */
  cycleDays: number;
}

/** Empirical-Bayes hyperparameters of log inter-purchase gaps (log days). */
export interface CycleStats {
  /** Population mean of customers' mean log gap. */
  mu0: number;
  /** Between-customer variance of true mean log gaps. */
  tau2: number;
  /** Within-customer variance of log gaps. */
  sigma2: number;
  /** Customers with at least one gap. */
  customers: number;
}

export interface NextPurchaseOptions {
  cycle: CycleStats;
  bgnbd?: BgnbdParams;
  timeUnit: TimeUnit;
  /** Central coverage of the interval (default 0.8: 10th to 90th percentile). */
  coverage?: number;
  maxDays?: number;
}

/**
 * Method-of-moments EB hyperparameters from the feature table's gaps.
 * @example const stats = fitCycleStats(table); Math.exp(stats.mu0) // population median gap in days
 */
export function fitCycleStats(table: FeatureTable): CycleStats {
  let customers = 0;
  let sumMeans = 0;
  let sumMeans2 = 0;
  let within = 0;
  let withinDf = 0;
  let inverseCounts = 0;
  for (let i = 0; i < table.buyers; i++) {
    const a = table.gapStart[i]!;
    const n = table.gapStart[i + 1]! - a;
    if (n === 0) continue;
    let s = 0;
    for (let k = a; k < a + n; k++) s += Math.log(table.gapDays[k]!);
    const mean = s / n;
    for (let k = a; k < a + n; k++) within += (Math.log(table.gapDays[k]!) - mean) ** 2;
    withinDf += n - 1;
    customers++;
    sumMeans += mean;
    sumMeans2 += mean * mean;
    inverseCounts += 1 / n;
  }
  if (customers === 0) return { mu0: Math.log(30), tau2: 1, sigma2: 1, customers: 0 };
  const mu0 = sumMeans / customers;
  const sigma2 = withinDf > 0 ? Math.max(within / withinDf, 1e-4) : 1;
  const varMeans = customers > 1 ? (sumMeans2 - customers * mu0 * mu0) / (customers - 1) : sigma2;
  // Var(customer means) = τ² + σ² E[1/n]; floor τ² so shrinkage never becomes total.
  const tau2 = Math.max(varMeans - (sigma2 * inverseCounts) / customers, 0.05 * sigma2);
  return { mu0, tau2, sigma2, customers };
}

/** A prediction as day numbers (fractional UTC days since the epoch), for allocation-free loops. */
export interface NextPurchaseDays {
  at: number;
  low: number;
  high: number;
  source: NextPurchaseSource;
  cycleDays: number;
}

export interface NextPurchaseModel {
  /** Prediction for buyer row i of a table, as Dates. */
  predict(table: FeatureTable, i: number): NextPurchase;
  /** The same prediction written into `out` as day numbers (no allocation). */
  predictDays(table: FeatureTable, i: number, out: NextPurchaseDays): NextPurchaseDays;
}

/**
 * Builds the predictor once per option set (interval quantiles are computed here, not per
 * customer).
 * @example
 * const model = nextPurchaseModel({ cycle: fitCycleStats(table), bgnbd: fit.params, timeUnit: 'week' });
 * model.predict(table, 0) // => { at, low, high, source, cycleDays }
 */
export function nextPurchaseModel(options: NextPurchaseOptions): NextPurchaseModel {
  const coverage = options.coverage ?? 0.8;
  const maxDays = options.maxDays ?? 3653;
  requireScalar('coverage', coverage, { min: 0, positive: true, below: 1 });
  requireScalar('maxDays', maxDays, { min: 0, positive: true });
  const z = jStat.normal.inv((1 + coverage) / 2, 0, 1);
  const { cycle, bgnbd } = options;
  const unit = daysPerUnit(options.timeUnit);
  const populationSd = Math.sqrt(cycle.tau2 + cycle.sigma2);
  // Lomax quantile factors (1 − q)^(−1/s) − 1 = expm1(−log(1 − q) / s), per quantile.
  const logTail = [0.5, (1 - coverage) / 2, (1 + coverage) / 2].map((q) => -Math.log1p(-q));

  const predictDays = (table: FeatureTable, i: number, out: NextPurchaseDays): NextPurchaseDays => {
    const lastDay = table.lastDay[i]!;
    const gapsFrom = table.gapStart[i]!;
    const gaps = table.gapStart[i + 1]! - gapsFrom;
    let anchor = lastDay;
    if (gaps >= 2) {
      let sum = 0;
      for (let k = gapsFrom; k < gapsFrom + gaps; k++) sum += Math.log(table.gapDays[k]!);
      const precision = 1 / cycle.tau2 + gaps / cycle.sigma2;
      const mu = (cycle.mu0 / cycle.tau2 + sum / cycle.sigma2) / precision;
      const sd = Math.sqrt(cycle.sigma2 + 1 / precision);
      out.source = 'own-cycle';
      out.cycleDays = Math.exp(mu);
      out.at = Math.exp(mu);
      out.low = Math.exp(mu - z * sd);
      out.high = Math.exp(mu + z * sd);
    } else if (bgnbd) {
      const s = bgnbd.r + table.x[i]!;
      const beta = bgnbd.alpha + table.T[i]!;
      anchor = table.cutoffDay;
      out.source = 'bgnbd';
      out.at = beta * Math.expm1(logTail[0]! / s) * unit;
      out.low = beta * Math.expm1(logTail[1]! / s) * unit;
      out.high = beta * Math.expm1(logTail[2]! / s) * unit;
      out.cycleDays = Math.min(out.at, maxDays);
    } else {
      out.source = 'population';
      out.cycleDays = Math.exp(cycle.mu0);
      out.at = Math.exp(cycle.mu0);
      out.low = Math.exp(cycle.mu0 - z * populationSd);
      out.high = Math.exp(cycle.mu0 + z * populationSd);
    }
    // Waits become days from the anchor (last purchase, or the cutoff for BG/NBD), capped.
    out.at = anchor + Math.min(out.at, maxDays);
    out.low = anchor + Math.min(out.low, maxDays);
    out.high = anchor + Math.min(out.high, maxDays);
    return out;
  };
  const scratch: NextPurchaseDays = { at: 0, low: 0, high: 0, source: 'population', cycleDays: 0 };
  return {
    predictDays,
    predict: (table, i) => {
      const d = predictDays(table, i, scratch);
      return { at: dateOfDay(d.at), low: dateOfDay(d.low), high: dateOfDay(d.high), source: d.source, cycleDays: d.cycleDays };
    },
  };
}

/**
 * Overdue against one's own cycle: a regular buyer past the upper end of their interval.
 * Only own-cycle predictions can be overdue; the other sources describe the population.
 * @example isOverdue(next, new Date('1998-01-01'))
 */
export function isOverdue(prediction: Pick<NextPurchase, 'source' | 'high'>, now: Date): boolean {
  return prediction.source === 'own-cycle' && now.getTime() > prediction.high.getTime();
}
