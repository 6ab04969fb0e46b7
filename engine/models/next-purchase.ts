/// <reference path="../types/jstat.d.ts" />
import jStat from 'jstat';
import type { FeatureTable } from './features.ts';
import type { PurchaseModel } from './purchase-model.ts';
import { daysPerUnit } from './time.ts';
import { requireScalar } from './validate.ts';
import type { TimeUnit } from './types.ts';

/**
 * When will a customer buy next — as a distribution, given the history *and the silence
 * since the last order*. F(t) = P(next purchase within t days after the as-of day):
 * - the purchase model's part: 1 − P(no purchase in (T, T+t] | x, t_x, T), which already
 *   weighs P(alive) (long silence makes dropout likelier) and the posterior purchase rate;
 * - for regular buyers (≥ 2 gaps), their own gap model: log gaps ~ N(μ_i, σ²) with μ_i shrunk
 *   to the population by empirical Bayes (gap_ij ~ N(μ_i, σ²), μ_i ~ N(μ₀, τ²)), conditioned
 *   on the gap being longer than the silence so far, times P(alive).
 * The two are mixed with weight gaps / (gaps + OWN_CYCLE_PRIOR) on the own cycle. F never
 * needs to reach 1 (a customer may be gone), so a quantile beyond the horizon is "unknown"
 * (NaN), never a far-off date: next_purchase_at is the day F reaches 50 %, low/high the
 * 10 % and 90 % quantiles (an 80 % interval), purchase_probability_Nd = F(N).
 */

export type NextPurchaseSource = 'own-cycle' | 'model';

/** Pseudo-gaps of the purchase model in the mix: with 2 gaps the own cycle weighs 80 % (CDNOW holdout: best median error, same AUC). */
const OWN_CYCLE_PRIOR = 0.5;

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
  model: PurchaseModel;
  timeUnit: TimeUnit;
  /** Days after the as-of day within which quantiles are given; later ones are unknown (NaN). */
  horizonDays: number;
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

/** One customer's next-purchase summary in days after the as-of day (NaN = beyond the horizon). */
export interface NextPurchaseDays {
  at: number;
  low: number;
  high: number;
  source: NextPurchaseSource;
  /** The customer's typical gap in days (own posterior median gap, else the population's). */
  cycleDays: number;
  /** Days by which P(purchased) reaches 0.1, 0.2, …, 0.9 (NaN beyond the horizon); at = [4], low = [0], high = [8]. */
  deciles: Float64Array;
}

export interface NextPurchaseModel {
  /** P(buyer row i purchases within `days` days after the as-of day). */
  probabilityWithin(table: FeatureTable, i: number, days: number): number;
  /** Whole days after the as-of day by which that probability reaches q; NaN when not within the horizon. */
  quantile(table: FeatureTable, i: number, q: number): number;
  /** Deciles, median and 10–90 % interval of row i written into `out`. */
  predictDays(table: FeatureTable, i: number, out: NextPurchaseDays): NextPurchaseDays;
}

/**
 * @example
 * const next = nextPurchaseModel({ cycle: fitCycleStats(table), model, timeUnit: 'week', horizonDays: 273 });
 * next.probabilityWithin(table, 0, 30); next.quantile(table, 0, 0.5)
 */
export function nextPurchaseModel(options: NextPurchaseOptions): NextPurchaseModel {
  requireScalar('horizonDays', options.horizonDays, { min: 0, positive: true });
  const { cycle, model, horizonDays } = options;
  const unit = daysPerUnit(options.timeUnit);
  const normal = jStat.normal;

  const probabilityWithin = (table: FeatureTable, i: number, days: number): number => {
    if (days <= 0) return 0;
    const x = table.x[i]!;
    const tx = table.tx[i]!;
    const T = table.T[i]!;
    const fromModel = 1 - model.probabilityNoPurchase(x, tx, T, days / unit);
    const own = gapModel(table, i, cycle);
    if (own.gaps < 2) return fromModel;
    // Gap so far = silence since the last purchase day; condition the gap on exceeding it.
    const elapsed = table.cutoffDay - table.lastDay[i]!;
    const below = elapsed > 0 ? normal.cdf(Math.log(elapsed), own.mu, own.sd) : 0;
    const by = normal.cdf(Math.log(elapsed + days), own.mu, own.sd);
    const remaining = 1 - below;
    const conditional = remaining > 1e-12 ? (by - below) / remaining : 1;
    const w = own.gaps / (own.gaps + OWN_CYCLE_PRIOR);
    return (1 - w) * fromModel + w * model.pAlive(x, tx, T) * conditional;
  };

  // F is increasing in t: bisection to a quarter day, then up to the whole day (purchases are
  // days). Returns the bracket too: F(lo) < q, so a higher level can start its search at lo.
  const solve = (table: FeatureTable, i: number, q: number, from: number): { day: number; lo: number } => {
    if (probabilityWithin(table, i, horizonDays) < q) return { day: NaN, lo: NaN };
    let lo = from;
    let hi = horizonDays;
    while (hi - lo > 0.25) {
      const mid = (lo + hi) / 2;
      if (probabilityWithin(table, i, mid) >= q) hi = mid;
      else lo = mid;
    }
    return { day: Math.ceil(hi), lo };
  };

  return {
    probabilityWithin,
    quantile: (table, i, q) => solve(table, i, q, 0).day,
    predictDays: (table, i, out) => {
      const own = gapModel(table, i, cycle);
      out.source = own.gaps >= 2 ? 'own-cycle' : 'model';
      out.cycleDays = Math.exp(own.mu);
      let from = 0;
      for (let k = 0; k < 9; k++) {
        const found = Number.isNaN(from) ? { day: NaN, lo: NaN } : solve(table, i, (k + 1) / 10, from);
        out.deciles[k] = found.day;
        from = found.lo;
      }
      out.low = out.deciles[0]!;
      out.at = out.deciles[4]!;
      out.high = out.deciles[8]!;
      return out;
    },
  };
}

/**
 * How far past due a customer is: P(a gap of their kind is shorter than their silence so far),
 * from their own gap model when they have ≥ 2 gaps, else the population's — so one-time buyers
 * get one too. 0.9 means 90 % of such gaps would have ended by now.
 * @example overdueProbability(table, i, stats) // 0.97 for a one-time buyer silent for a year
 */
export function overdueProbability(table: FeatureTable, i: number, cycle: CycleStats): number {
  const elapsed = table.cutoffDay - table.lastDay[i]!;
  if (elapsed <= 0) return 0;
  const own = gapModel(table, i, cycle);
  return jStat.normal.cdf(Math.log(elapsed), own.mu, own.sd);
}

/**
 * Row i's predictive log-gap distribution: with ≥ 2 gaps the EB posterior of their own mean
 * log gap (predictive sd includes its uncertainty); otherwise the population's.
 */
function gapModel(table: FeatureTable, i: number, cycle: CycleStats): { mu: number; sd: number; gaps: number } {
  const from = table.gapStart[i]!;
  const gaps = table.gapStart[i + 1]! - from;
  if (gaps < 2) return { mu: cycle.mu0, sd: Math.sqrt(cycle.tau2 + cycle.sigma2), gaps };
  let sum = 0;
  for (let k = from; k < from + gaps; k++) sum += Math.log(table.gapDays[k]!);
  const precision = 1 / cycle.tau2 + gaps / cycle.sigma2;
  return { mu: (cycle.mu0 / cycle.tau2 + sum / cycle.sigma2) / precision, sd: Math.sqrt(cycle.sigma2 + 1 / precision), gaps };
}
