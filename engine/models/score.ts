import { ForesightError } from '../core/errors.ts';
import { type BgnbdFit, expectedPurchases, fitBgnbd, pAlive } from './bgnbd.ts';
import { churnProbability } from './churn.ts';
import { createClv } from './clv.ts';
import { type EngagementEvent, scoreEngagement, trainEngagement } from './engagement.ts';
import { type FeatureTable, featuresAt, indexEmailEvents, indexOrders } from './features.ts';
import { expectedAverageSpend, fitGammaGamma, type GammaGammaFit } from './gamma-gamma.ts';
import type { HoldoutReport } from './holdout.ts';
import { type LifecycleOptions, type LifecycleStage, lifecycleStage } from './lifecycle.ts';
import { type CycleStats, fitCycleStats, isOverdue, type NextPurchaseSource, nextPurchasePredictor } from './next-purchase.ts';
import { fitPersonas, type PersonaOptions, type PersonaResult } from './personas.ts';
import { bgnbdPurchaseProbability, scorePropensity, trainPropensity } from './propensity.ts';
import { buildRecommender, type Recommendation, recommend } from './recommendations.ts';
import { rfmScores, type RfmSegment, rfmSegment } from './rfm.ts';
import { sampleRows, takeRows } from './split.ts';
import { daysPerUnit } from './time.ts';
import type { EmailEvent, Order, TimeUnit } from './types.ts';
import { requireScalar } from './validate.ts';
import { type ValueTier, type ValueTierOptions, valueTiers } from './value-tier.ts';

/**
 * The score pipeline: from raw orders (and optional email events) at an as-of date to one
 * row of predictions per customer plus a report on the fitted models. Pure and storage-free —
 * the engine stores the rows. Everything that is fitted (BG/NBD, Gamma-Gamma, EB cycles,
 * propensity, engagement, personas, recommender) is fitted here on data up to `asOf` only.
 *
 * Cost caps for very large bases (documented defaults, see ScoreOptions): BG/NBD and
 * Gamma-Gamma are fitted on an evenly spaced sample of `fitSampleSize` buyers; the
 * propensity model on at most `trainingSampleSize` rows; personas as in fitPersonas. Scoring
 * itself always covers every customer.
 */

export interface ScoreOptions {
  /** Discount rate per period for CLV (default 0.01, i.e. 1% a month). */
  discountRate?: number;
  /** CLV discounting period in days (default one month, 30.4375). */
  periodDays?: number;
  lifecycle?: LifecycleOptions;
  valueTiers?: ValueTierOptions;
  nextPurchase?: { coverage?: number; maxDays?: number };
  /** Window of the purchase propensity in days (default: the horizon). */
  propensityWindowDays?: number;
  engagement?: { windowDays?: number; event?: EngagementEvent };
  /** false to skip personas. */
  personas?: PersonaOptions | false;
  /** Recommendations per customer (default 5; 0 to skip). */
  recommendations?: number;
  /** Buyers the BG/NBD and Gamma-Gamma fits use at most (default 100,000). */
  fitSampleSize?: number;
  /** Rows the propensity regression trains on at most (default 100,000). */
  trainingSampleSize?: number;
  seed?: number;
}

export interface ScoreInput {
  orders: readonly Order[];
  events?: readonly EmailEvent[];
  /** The calibration end: orders and events after this day are ignored. */
  asOf: Date;
  timeUnit: TimeUnit;
  /** Forecast horizon in time units (expected purchases, CLV). */
  horizon: number;
  options?: ScoreOptions;
}

/** One customer's predictions. Purchase-model fields are null for prospects (no purchase yet). */
export interface CustomerScore {
  customer_id: string;
  /** Repeat purchase days, recency and age at the as-of date (time units). */
  x: number | null;
  t_x: number | null;
  T: number | null;
  p_alive: number | null;
  /** Expected purchase days in the horizon after the as-of date. */
  expected_purchases: number | null;
  expected_next_purchase_at: Date | null;
  expected_next_purchase_low: Date | null;
  expected_next_purchase_high: Date | null;
  next_purchase_source: NextPurchaseSource | null;
  purchase_cycle_days: number | null;
  /** Expected spend per purchase day (Gamma-Gamma). */
  avg_order_value: number | null;
  /** Discounted expected spend over the horizon. */
  clv: number | null;
  rfm_r: number | null;
  rfm_f: number | null;
  rfm_m: number | null;
  rfm_segment: RfmSegment | null;
  lifecycle_stage: LifecycleStage;
  value_tier: ValueTier | null;
  /** 1 − P(alive). */
  churn_probability: number | null;
  /** P(buys within the propensity window). */
  purchase_propensity: number | null;
  /** P(opens / clicks an email within the engagement window); null without email history. */
  engagement_likelihood: number | null;
  persona: string | null;
  recommendations: Recommendation[];
}

export interface ScoreReport {
  asOf: string;
  timeUnit: TimeUnit;
  horizon: number;
  customers: number;
  buyers: number;
  prospects: number;
  bgnbd: BgnbdFit;
  gammaGamma: GammaGammaFit | null;
  cycle: CycleStats;
  propensity:
    | { source: 'logistic'; windowDays: number; trainingCutoff: string; holdout: HoldoutReport; coefficients: Record<string, number> }
    | { source: 'bgnbd'; windowDays: number; reason: string };
  engagement: { event: EngagementEvent; windowDays: number; trainingCutoff: string; holdout: HoldoutReport } | { reason: string } | null;
  personas: Omit<PersonaResult, 'assignment'> | null;
  warnings: string[];
}

/**
 * Scores every customer known at `asOf`.
 * @example
 * const { customers, report } = scoreCustomers({ orders, asOf: new Date('1997-09-30'), timeUnit: 'week', horizon: 39 });
 * customers[0].p_alive; report.bgnbd.r;
 */
export function scoreCustomers(input: ScoreInput): { customers: CustomerScore[]; report: ScoreReport } {
  const o = input.options ?? {};
  const unit = daysPerUnit(input.timeUnit);
  requireScalar('horizon', input.horizon, { min: 0, positive: true });
  const warnings: string[] = [];
  const index = indexOrders(input.orders);
  const email = input.events ? indexEmailEvents(input.events) : undefined;
  const table = featuresAt(index, input.asOf, input.timeUnit, email);
  if (table.buyers === 0) {
    throw new ForesightError('no_buyers', `no orders on or before ${isoDay(input.asOf)}; check the orders and the as-of date`, { field: 'asOf' });
  }
  const buyers = table.buyers;

  // Purchase models, fitted on a bounded sample.
  const fitRows = sampleRows(buyers, o.fitSampleSize ?? 100_000);
  const bg = fitBgnbd({ x: takeRows(table.x, fitRows), tx: takeRows(table.tx, fitRows), T: takeRows(table.T, fitRows) });
  if (!bg.converged) warnings.push('BG/NBD fit did not reach the gradient tolerance; parameters may be imprecise');
  const gg = fitSpend(table, fitRows, warnings);
  const cycle = fitCycleStats(table);
  const clv = createClv(bg.params, { horizon: input.horizon, periodLength: (o.periodDays ?? 30.4375) / unit, discountRate: o.discountRate ?? 0.01 });
  const nextPurchase = nextPurchasePredictor({ cycle, bgnbd: bg.params, timeUnit: input.timeUnit, ...o.nextPurchase });
  // One-time buyers get the Gamma-Gamma population mean when it exists (q > 1), else the mean repeat spend.
  const oneTimeSpend = gg && gg.params.q > 1 ? expectedAverageSpend(gg.params, 0, 0) : populationMeanSpend(table);

  const rfm = rfmScores({ recencyDays: table.daysSinceLast.subarray(0, buyers), frequency: table.x.subarray(0, buyers).map((x) => x + 1), monetary: table.total.subarray(0, buyers) });
  const clvValues = new Float64Array(buyers);
  const aovValues = new Float64Array(buyers);
  for (let i = 0; i < buyers; i++) {
    const x = table.x[i]!;
    // Without a spend model: the customer's own mean spend per purchase day.
    aovValues[i] = !gg ? table.total[i]! / (x + 1) : x > 0 ? expectedAverageSpend(gg.params, x, table.repeatMean[i]!) : oneTimeSpend;
    clvValues[i] = clv(x, table.tx[i]!, table.T[i]!, aovValues[i]!);
  }
  const tiers = valueTiers(clvValues, o.valueTiers);

  const propensityWindowDays = o.propensityWindowDays ?? input.horizon * unit;
  const propensity = scoreBuyProbability(input, table, index, bg, propensityWindowDays, o);
  const engagement = email ? scoreEmailEngagement(input, table, index, email, o) : null;
  const personas = o.personas === false ? null : fitPersonasOrWarn(table, o.personas ?? {}, warnings);
  const topN = o.recommendations ?? 5;
  const recommender = topN > 0 && input.orders.some((order) => order.items && order.items.length > 0) ? buildRecommender(input.orders, { cutoff: input.asOf }) : null;

  const customers: CustomerScore[] = new Array(table.n);
  for (let i = 0; i < table.n; i++) {
    const id = table.ids[i]!;
    const engagementLikelihood = engagement && !Number.isNaN(engagement.scores[i]!) ? engagement.scores[i]! : null;
    const recommendations = recommender ? recommend(recommender, id, topN) : [];
    if (i >= buyers) {
      customers[i] = prospectRow(id, engagementLikelihood, recommendations);
      continue;
    }
    const x = table.x[i]!;
    const tx = table.tx[i]!;
    const T = table.T[i]!;
    const alive = pAlive(bg.params, x, tx, T);
    const next = nextPurchase(table, i);
    customers[i] = {
      customer_id: id,
      x,
      t_x: tx,
      T,
      p_alive: alive,
      expected_purchases: expectedPurchases(bg.params, x, tx, T, input.horizon),
      expected_next_purchase_at: next.at,
      expected_next_purchase_low: next.low,
      expected_next_purchase_high: next.high,
      next_purchase_source: next.source,
      purchase_cycle_days: next.cycleDays,
      avg_order_value: aovValues[i]!,
      clv: clvValues[i]!,
      rfm_r: rfm.r[i]!,
      rfm_f: rfm.f[i]!,
      rfm_m: rfm.m[i]!,
      rfm_segment: rfmSegment(rfm.r[i]!, rfm.f[i]!, rfm.m[i]!),
      lifecycle_stage: lifecycleStage(
        { purchaseDays: x + 1, daysSinceLast: table.daysSinceLast[i]!, pAlive: alive, overdue: isOverdue(next, input.asOf) },
        o.lifecycle,
      ),
      value_tier: tiers[i]!,
      churn_probability: churnProbability(bg.params, x, tx, T),
      purchase_propensity: propensity.scores[i]!,
      engagement_likelihood: engagementLikelihood,
      persona: personas ? personas.personas[personas.assignment[i]!]!.label : null,
      recommendations,
    };
  }

  return {
    customers,
    report: {
      asOf: isoDay(input.asOf),
      timeUnit: input.timeUnit,
      horizon: input.horizon,
      customers: table.n,
      buyers,
      prospects: table.n - buyers,
      bgnbd: bg,
      gammaGamma: gg,
      cycle,
      propensity: propensity.report,
      engagement: engagement ? engagement.report : null,
      personas: personas ? { k: personas.k, silhouette: personas.silhouette, silhouetteByK: personas.silhouetteByK, personas: personas.personas } : null,
      warnings,
    },
  };
}

function fitSpend(table: FeatureTable, rows: Uint32Array, warnings: string[]): GammaGammaFit | null {
  try {
    const fit = fitGammaGamma({ x: takeRows(table.x, rows), m: takeRows(table.repeatMean, rows) });
    if (fit.params.q <= 1) warnings.push(`Gamma-Gamma q = ${fit.params.q.toFixed(3)} ≤ 1: one-time buyers get the observed mean repeat spend`);
    return fit;
  } catch (err) {
    if (!(err instanceof ForesightError) || err.code !== 'no_repeat_buyers') throw err;
    warnings.push(`${err.message}; average order values are each customer's own mean spend per purchase day`);
    return null;
  }
}

/** Mean of repeat buyers' mean repeat spend (fallback when Gamma-Gamma has no finite mean). */
function populationMeanSpend(table: FeatureTable): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < table.buyers; i++) {
    if (table.x[i]! > 0) {
      s += table.repeatMean[i]!;
      n++;
    }
  }
  return n > 0 ? s / n : 0;
}

function scoreBuyProbability(
  input: ScoreInput,
  table: FeatureTable,
  index: ReturnType<typeof indexOrders>,
  bg: BgnbdFit,
  windowDays: number,
  o: ScoreOptions,
): { scores: Float64Array; report: ScoreReport['propensity'] } {
  requireScalar('propensityWindowDays', windowDays, { min: 0, positive: true });
  const baseline = bgnbdPurchaseProbability(table, bg.params, windowDays / daysPerUnit(input.timeUnit));
  const trained = trainPropensity({ index, asOf: input.asOf, timeUnit: input.timeUnit, windowDays, maxRows: o.trainingSampleSize ?? 100_000, seed: o.seed ?? 1 });
  if ('reason' in trained) {
    // Too little history one window back: the BG/NBD probability is the propensity.
    return { scores: baseline, report: { source: 'bgnbd', windowDays, reason: trained.reason } };
  }
  const coefficients: Record<string, number> = {};
  trained.model.names.forEach((name, j) => (coefficients[name] = trained.model.coef[j]!));
  return {
    scores: scorePropensity(trained.model, table, baseline),
    report: { source: 'logistic', windowDays, trainingCutoff: isoDay(trained.trainingCutoff), holdout: trained.report, coefficients },
  };
}

function scoreEmailEngagement(
  input: ScoreInput,
  table: FeatureTable,
  index: ReturnType<typeof indexOrders>,
  email: ReturnType<typeof indexEmailEvents>,
  o: ScoreOptions,
): { scores: Float64Array; report: NonNullable<ScoreReport['engagement']> } {
  const windowDays = o.engagement?.windowDays ?? 28;
  const event = o.engagement?.event ?? 'open';
  const trained = trainEngagement({ orders: index, email, asOf: input.asOf, timeUnit: input.timeUnit, windowDays, event, seed: o.seed ?? 1 });
  if ('reason' in trained) return { scores: new Float64Array(table.n).fill(NaN), report: { reason: trained.reason } };
  return {
    scores: scoreEngagement(trained.model, table),
    report: { event, windowDays, trainingCutoff: isoDay(trained.trainingCutoff), holdout: trained.report },
  };
}

function fitPersonasOrWarn(table: FeatureTable, options: PersonaOptions, warnings: string[]): PersonaResult | null {
  try {
    return fitPersonas(table, options);
  } catch (err) {
    if (!(err instanceof ForesightError)) throw err;
    warnings.push(`personas skipped: ${err.message}`);
    return null;
  }
}

function prospectRow(id: string, engagement: number | null, recommendations: Recommendation[]): CustomerScore {
  return {
    customer_id: id,
    x: null,
    t_x: null,
    T: null,
    p_alive: null,
    expected_purchases: null,
    expected_next_purchase_at: null,
    expected_next_purchase_low: null,
    expected_next_purchase_high: null,
    next_purchase_source: null,
    purchase_cycle_days: null,
    avg_order_value: null,
    clv: null,
    rfm_r: null,
    rfm_f: null,
    rfm_m: null,
    rfm_segment: null,
    lifecycle_stage: 'prospect',
    value_tier: null,
    churn_probability: null,
    purchase_propensity: null,
    engagement_likelihood: engagement,
    persona: null,
    recommendations,
  };
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
