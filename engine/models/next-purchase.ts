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

/**
 * Builds the predictor once per option set (interval quantiles are computed here, not per
 * customer), then predicts for buyer row `i` of a table.
 * @example
 * const predict = nextPurchasePredictor({ cycle: fitCycleStats(table), bgnbd: fit.params, timeUnit: 'week' });
 * predict(table, 0) // => { at, low, high, source, cycleDays }
 */
export function nextPurchasePredictor(options: NextPurchaseOptions): (table: FeatureTable, i: number) => NextPurchase {
  const coverage = options.coverage ?? 0.8;
  const maxDays = options.maxDays ?? 3653;
  requireScalar('coverage', coverage, { min: 0, positive: true, below: 1 });
  requireScalar('maxDays', maxDays, { min: 0, positive: true });
  const z = jStat.normal.inv((1 + coverage) / 2, 0, 1);
  const { cycle, bgnbd } = options;
  const unit = daysPerUnit(options.timeUnit);
  const capped = (anchor: number, days: number): Date => dateOfDay(anchor + Math.min(days, maxDays));
  const populationSd = Math.sqrt(cycle.tau2 + cycle.sigma2);
  // Lomax quantile factors (1 − q)^(−1/s) − 1 = expm1(−log(1 − q) / s), per quantile.
  const logTail = [0.5, (1 - coverage) / 2, (1 + coverage) / 2].map((q) => -Math.log1p(-q));

  return (table, i) => {
    const lastDay = table.lastDay[i]!;
    const gapsFrom = table.gapStart[i]!;
    const gaps = table.gapStart[i + 1]! - gapsFrom;
    if (gaps >= 2) {
      let sum = 0;
      for (let k = gapsFrom; k < gapsFrom + gaps; k++) sum += Math.log(table.gapDays[k]!);
      const precision = 1 / cycle.tau2 + gaps / cycle.sigma2;
      const mu = (cycle.mu0 / cycle.tau2 + sum / cycle.sigma2) / precision;
      const sd = Math.sqrt(cycle.sigma2 + 1 / precision);
      return {
        at: capped(lastDay, Math.exp(mu)),
        low: capped(lastDay, Math.exp(mu - z * sd)),
        high: capped(lastDay, Math.exp(mu + z * sd)),
        source: 'own-cycle',
        cycleDays: Math.exp(mu),
      };
    }
    if (bgnbd) {
      const s = bgnbd.r + table.x[i]!;
      const beta = bgnbd.alpha + table.T[i]!;
      const median = beta * Math.expm1(logTail[0]! / s) * unit;
      return {
        at: capped(table.cutoffDay, median),
        low: capped(table.cutoffDay, beta * Math.expm1(logTail[1]! / s) * unit),
        high: capped(table.cutoffDay, beta * Math.expm1(logTail[2]! / s) * unit),
        source: 'bgnbd',
        cycleDays: Math.min(median, maxDays),
      };
    }
    return {
      at: capped(lastDay, Math.exp(cycle.mu0)),
      low: capped(lastDay, Math.exp(cycle.mu0 - z * populationSd)),
      high: capped(lastDay, Math.exp(cycle.mu0 + z * populationSd)),
      source: 'population',
      cycleDays: Math.exp(cycle.mu0),
    };
  };
}

/**
 * Overdue against one's own cycle: a regular buyer past the upper end of their interval.
 * Only own-cycle predictions can be overdue; the other sources describe the population.
 * @example isOverdue(next, new Date('1998-01-01'))
 */
export function isOverdue(prediction: NextPurchase, now: Date): boolean {
  return prediction.source === 'own-cycle' && now.getTime() > prediction.high.getTime();
}
