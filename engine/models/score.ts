import { ForesightError } from '../core/errors.ts';
import { type BgnbdFit, fitBgnbd } from './bgnbd.ts';
import { createClv } from './clv.ts';
import { type EngagementEvent, scoreEngagement, trainEngagement } from './engagement.ts';
import { type FeatureTable, featuresAt, indexEmailEvents, indexOrders, type OrderIndex } from './features.ts';
import { expectedAverageSpend, fitGammaGamma, type GammaGammaFit } from './gamma-gamma.ts';
import type { HoldoutReport } from './holdout.ts';
import { alignRecency, type LifecycleOptions, type LifecycleStage, lifecycleOptions, lifecycleStage } from './lifecycle.ts';
import { type CycleStats, fitCycleStats, type NextPurchaseDays, type NextPurchaseSource, nextPurchaseModel, overdueProbability } from './next-purchase.ts';
import type { PurchaseModelName } from './purchase-model.ts';
import { type ModelSelection, type SelectOptions, selectPurchaseModel } from './select.ts';
import { fitPersonas, type PersonaOptions, type PersonaResult } from './personas.ts';
import { type Sharpened, sharpenedProbability } from './sharpen.ts';
import { buildRecommender, type Recommendation, type RecommendationBuffer, recommendInto } from './recommendations.ts';
import { rfmScores, type RfmSegment, rfmSegment } from './rfm.ts';
import { sampleRows, takeRows } from './rows.ts';
import { daysPerUnit, MS_PER_DAY } from './time.ts';
import type { EmailEvent, Order, TimeUnit } from './types.ts';
import { requireScalar } from './validate.ts';
import { type ValueTier, type ValueTierOptions, valueTiers } from './value-tier.ts';

/**
 * The score pipeline: from raw orders (and optional email events) at an as-of date to the
 * predictions of every customer (columnar, see CustomerScores) plus a report on the fitted models. Pure and storage-free —
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
  /** Churn = P(no purchase in this many days after the as-of date) (default 90). */
  churnWindowDays?: number;
  /** Purchase models to choose from by the time-based holdout (default all), and how. */
  purchaseModels?: readonly PurchaseModelName[];
  selection?: Omit<SelectOptions, 'candidates' | 'fitSampleSize' | 'keptSelection'>;
  /** A recent model choice to keep (the scoring job re-decides weekly). */
  keptSelection?: ModelSelection;
  /** Window of the purchase propensity in days (default: the horizon). */
  propensityWindowDays?: number;
  engagement?: { windowDays?: number; event?: EngagementEvent };
  /** false to skip personas. */
  personas?: PersonaOptions | false;
  /** Recommendations per customer (default 5; 0 to skip). */
  recommendations?: number;
  /** Buyers the BG/NBD and Gamma-Gamma fits use at most (default 50,000; an evenly spaced sample). */
  fitSampleSize?: number;
  /** Rows the propensity model (its BG/NBD refit and regression) trains on at most (default 50,000). */
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

/**
 * One customer's predictions (a materialised row of CustomerScores). Purchase-model fields
 * are null for prospects (no purchase yet).
 */
export interface CustomerScore {
  customer_id: string;
  /** Repeat purchase days, recency and age at the as-of date (time units). */
  x: number | null;
  t_x: number | null;
  T: number | null;
  p_alive: number | null;
  /** Expected purchase days in the horizon after the as-of date. */
  expected_purchases: number | null;
  /** Day by which P(purchased) reaches 50 %; null when it does not within the horizon. */
  next_purchase_at: Date | null;
  /** 10 % and 90 % quantiles (an 80 % interval); null beyond the horizon. */
  next_purchase_low: Date | null;
  next_purchase_high: Date | null;
  /** Days after the as-of date by which P(purchased) reaches 0.1, 0.2, …, 0.9 (null beyond the horizon). */
  next_purchase_deciles: (number | null)[];
  next_purchase_source: NextPurchaseSource | null;
  purchase_cycle_days: number | null;
  /** P(at least one purchase within 30 / 60 / 90 days after the as-of date). */
  purchase_probability_30d: number | null;
  purchase_probability_60d: number | null;
  purchase_probability_90d: number | null;
  /** P(a gap of their kind would have ended by now): how far past due they are. */
  overdue_probability: number | null;
  /** Expected spend per future purchase day (Gamma-Gamma). */
  expected_spend_per_purchase: number | null;
  /** Discounted expected spend over the horizon. */
  clv: number | null;
  rfm_r: number | null;
  rfm_f: number | null;
  rfm_m: number | null;
  rfm_segment: RfmSegment | null;
  lifecycle_stage: LifecycleStage;
  value_tier: ValueTier | null;
  /** P(no purchase in the churn window after the as-of date). */
  churn_probability: number | null;
  /** P(buys within the propensity window). */
  purchase_propensity: number | null;
  /** P(opens / clicks an email within the engagement window); null without email history. */
  engagement_likelihood: number | null;
  persona: string | null;
  recommendations: Recommendation[];
  /** The purchase model behind the scores. */
  model: PurchaseModelName | null;
}

/**
 * All customers' predictions, column by column: rows 0 .. buyers-1 are buyers, the rest
 * prospects, whose purchase-model columns are meaningless (0 or NaN; `customerScore` gives
 * null). Other numbers are typed arrays with NaN for "none" (e.g. no email history); dates
 * are epoch milliseconds; labels are arrays of shared strings. A million customers are then a few dozen arrays
 * rather than tens of millions of small objects; `customerScore` / `customerScores` turn
 * rows into plain objects on demand (e.g. one storage batch at a time).
 */
export interface CustomerScores {
  n: number;
  buyers: number;
  customer_id: readonly string[];
  x: Float64Array;
  t_x: Float64Array;
  T: Float64Array;
  p_alive: Float64Array;
  expected_purchases: Float64Array;
  /** Epoch ms; NaN = not within the horizon. */
  next_purchase_at: Float64Array;
  next_purchase_low: Float64Array;
  next_purchase_high: Float64Array;
  /** Row i's deciles are entries 9i .. 9i+8 (days after the as-of date, NaN beyond the horizon). */
  next_purchase_deciles: Float64Array;
  next_purchase_source: (NextPurchaseSource | null)[];
  purchase_cycle_days: Float64Array;
  purchase_probability_30d: Float64Array;
  purchase_probability_60d: Float64Array;
  purchase_probability_90d: Float64Array;
  overdue_probability: Float64Array;
  expected_spend_per_purchase: Float64Array;
  clv: Float64Array;
  /** RFM scores 1..5. */
  rfm_r: Uint8Array;
  rfm_f: Uint8Array;
  rfm_m: Uint8Array;
  rfm_segment: (RfmSegment | null)[];
  lifecycle_stage: LifecycleStage[];
  value_tier: (ValueTier | null)[];
  churn_probability: Float64Array;
  purchase_propensity: Float64Array;
  engagement_likelihood: Float64Array;
  persona: (string | null)[];
  /** Customer i's recommendations are rows recommendationStart[i] .. recommendationStart[i+1]-1. */
  recommendationStart: Uint32Array;
  recommendations: RecommendationBuffer;
  /** Item ids indexed by `recommendations.item`. */
  items: readonly string[];
  model: PurchaseModelName;
}

export interface ScoreReport {
  asOf: string;
  timeUnit: TimeUnit;
  horizon: number;
  customers: number;
  buyers: number;
  prospects: number;
  bgnbd: BgnbdFit;
  /** The purchase model behind the scores, its parameters and why it was chosen. */
  purchaseModel: { name: PurchaseModelName; params: Record<string, number>; logLik: number; atBound: string[]; selection: ModelSelection };
  churnWindowDays: number;
  /** Where churn comes from: the out-of-time classifier (when it beat the model on its holdout) or the purchase model. */
  churn: Sharpened['report'] | { source: 'model'; windowDays: number; reason: string };
  gammaGamma: GammaGammaFit | null;
  cycle: CycleStats;
  propensity: Sharpened['report'] | { source: 'model'; windowDays: number; reason: string };
  engagement: { event: EngagementEvent; windowDays: number; trainingCutoff: string; holdout: HoldoutReport } | { reason: string } | null;
  personas: Omit<PersonaResult, 'assignment'> | null;
  warnings: string[];
}

/**
 * Below this many repeat buyers a purchase-model fit still "converges", to parameters that mean
 * nothing (4 customers, 1 repeat buyer: r = 31,330, b = 3e-14): its scores are left blank.
 */
export const MIN_REPEAT_BUYERS = 10;

/**
 * Scores every customer known at `asOf`.
 * @example
 * const { scores, report } = scoreCustomers({ orders, asOf: new Date('1997-09-30'), timeUnit: 'week', horizon: 39 });
 * customerScore(scores, 0).p_alive; report.bgnbd.params.r;
 */
export function scoreCustomers(input: ScoreInput): { scores: CustomerScores; report: ScoreReport } {
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
  const { n, buyers } = table;
  const scores = emptyScores(table);

  // Purchase models, fitted on a bounded sample.
  const fitRows = sampleRows(buyers, o.fitSampleSize ?? 50_000);
  const bg = fitBgnbd({ x: takeRows(table.x, fitRows), tx: takeRows(table.tx, fitRows), T: takeRows(table.T, fitRows) });
  if (!bg.converged) warnings.push('BG/NBD fit did not reach the gradient tolerance; parameters may be imprecise');
  const selected = selectPurchaseModel(index, input.asOf, input.timeUnit, { ...o.selection, candidates: o.purchaseModels, keptSelection: o.keptSelection, fitSampleSize: o.fitSampleSize, bgnbd: bg });
  const model = selected.model;
  // The chosen BG/NBD is the fit above: its warning is given once.
  if (!model.converged && !(model.name === 'bgnbd' && !bg.converged)) warnings.push(`${model.name} fit did not reach the gradient tolerance; parameters may be imprecise`);
  scores.model = model.name;
  const gg = fitSpend(table, fitRows, warnings);
  // One-time buyers get the Gamma-Gamma population mean when it exists (q > 1), else the mean repeat spend.
  const oneTimeSpend = gg && gg.params.q > 1 ? expectedAverageSpend(gg.params, 0, 0) : populationMeanSpend(table);
  const clv = createClv(model, { horizon: input.horizon, periodLength: (o.periodDays ?? 30.4375) / unit, discountRate: o.discountRate ?? 0.01 });
  const cycle = fitCycleStats(table);
  const horizonDays = input.horizon * unit;
  const churnWindowDays = o.churnWindowDays ?? 90;
  requireScalar('churnWindowDays', churnWindowDays, { min: 0, positive: true });
  const nextPurchase = nextPurchaseModel({ cycle, model, timeUnit: input.timeUnit, horizonDays });
  const trainedByWindow = new Map<number, Sharpened | { reason: string }>();
  const classify = (days: number): Sharpened | { reason: string } => {
    if (!trainedByWindow.has(days)) trainedByWindow.set(days, sharpenedProbability({ index, table, asOf: input.asOf, timeUnit: input.timeUnit, bgnbd: bg, maxRows: o.trainingSampleSize, seed: o.seed }, days));
    return trainedByWindow.get(days)!;
  };
  // Churn = 1 − P(purchase in the churn window): the out-of-time classifier's when it beats the model, else the distribution's.
  const churnClassifier = classify(churnWindowDays);
  const next: NextPurchaseDays = { at: 0, low: 0, high: 0, source: 'model', cycleDays: 0, deciles: new Float64Array(9) };
  const stageOptions = lifecycleOptions(o.lifecycle);
  const asOfMs = table.cutoffDay * MS_PER_DAY;
  const frequency = new Float64Array(buyers);
  for (let i = 0; i < buyers; i++) frequency[i] = table.x[i]! + 1;
  const rfm = rfmScores({ recencyDays: table.daysSinceLast.subarray(0, buyers), frequency, monetary: table.total.subarray(0, buyers) });

  let repeatBuyers = 0;
  for (let i = 0; i < buyers; i++) if (table.x[i]! > 0) repeatBuyers++;
  const blank = repeatBuyers < MIN_REPEAT_BUYERS;
  if (blank) warnings.push(`only ${repeatBuyers} of ${buyers} customers bought again: the purchase-model scores (p_alive, churn, purchase probabilities, next purchase, CLV) are left blank until ${MIN_REPEAT_BUYERS} have; stages and tiers come from the order history alone`);

  for (let i = 0; i < buyers; i++) {
    // Too few repeat buyers for the population's gaps too: stages then rest on days since the last order alone.
    const overdue = blank ? NaN : overdueProbability(table, i, cycle);
    scores.overdue_probability[i] = overdue;
    const churn = blank ? NaN : scoreFromModels(i);
    const stage = lifecycleStage({ purchaseDays: table.x[i]! + 1, daysSinceLast: table.daysSinceLast[i]!, churnProbability: churn, overdueProbability: overdue }, stageOptions);
    scores.lifecycle_stage[i] = stage;
    const r = alignRecency(rfm.r[i]!, stage);
    scores.rfm_r[i] = r;
    scores.rfm_f[i] = rfm.f[i]!;
    scores.rfm_m[i] = rfm.m[i]!;
    scores.rfm_segment[i] = rfmSegment(r, rfm.f[i]!, rfm.m[i]!);
  }
  // Without model values, tiers rank what customers have spent so far.
  const tiers = valueTiers((blank ? table.total : scores.clv).subarray(0, buyers), o.valueTiers);
  for (let i = 0; i < buyers; i++) scores.value_tier[i] = tiers[i]!;

  /** Row i's purchase-model scores; returns its churn probability. */
  function scoreFromModels(i: number): number {
    const x = table.x[i]!;
    const tx = table.tx[i]!;
    const T = table.T[i]!;
    const alive = model.pAlive(x, tx, T);
    // Without a spend model: the customer's own mean spend per purchase day.
    const aov = !gg ? table.total[i]! / (x + 1) : x > 0 ? expectedAverageSpend(gg.params, x, table.repeatMean[i]!) : oneTimeSpend;
    nextPurchase.predictDays(table, i, next);
    scores.p_alive[i] = alive;
    const churn = 1 - ('scores' in churnClassifier ? churnClassifier.scores[i]! : nextPurchase.probabilityWithin(table, i, churnWindowDays));
    scores.churn_probability[i] = churn;
    scores.purchase_probability_30d[i] = nextPurchase.probabilityWithin(table, i, 30);
    scores.purchase_probability_60d[i] = nextPurchase.probabilityWithin(table, i, 60);
    scores.purchase_probability_90d[i] = nextPurchase.probabilityWithin(table, i, 90);
    scores.expected_purchases[i] = model.expectedPurchases(x, tx, T, input.horizon);
    scores.expected_spend_per_purchase[i] = aov;
    scores.clv[i] = clv(x, tx, T, aov);
    // A date only for customers more likely than not to buy within the churn window — by the distribution and by
    // the churn score, so the two never contradict each other: a median months out is mostly the chance they are
    // gone (CDNOW: median error 46 → 32 days), and churn_probability speaks for them.
    scores.next_purchase_at[i] = next.at <= churnWindowDays && churn < 0.5 ? asOfMs + next.at * MS_PER_DAY : NaN;
    scores.next_purchase_low[i] = asOfMs + next.low * MS_PER_DAY;
    scores.next_purchase_high[i] = asOfMs + next.high * MS_PER_DAY;
    scores.next_purchase_deciles.set(next.deciles, 9 * i);
    scores.next_purchase_source[i] = next.source;
    scores.purchase_cycle_days[i] = next.cycleDays;
    return churn;
  }

  const propensityWindow = o.propensityWindowDays ?? horizonDays;
  requireScalar('propensityWindowDays', propensityWindow, { min: 0, positive: true });
  const fromDistribution = Float64Array.from({ length: buyers }, (_, i) => nextPurchase.probabilityWithin(table, i, propensityWindow));
  const propensity = scoreBuyProbability(classify, propensityWindow, Math.min(propensityWindow, churnWindowDays), fromDistribution);
  if (!blank) scores.purchase_propensity.set(propensity.scores);
  const engagement = email ? scoreEmailEngagement(input, table, index, email, o) : null;
  if (engagement) scores.engagement_likelihood.set(engagement.scores);
  const personas = o.personas === false ? null : fitPersonasOrWarn(table, o.personas ?? {}, warnings);
  if (personas) for (let i = 0; i < buyers; i++) scores.persona[i] = personas.personas[personas.assignment[i]!]!.label;
  fillRecommendations(scores, table, input.orders, index, input.asOf, o.recommendations ?? 5);

  return {
    scores,
    report: {
      asOf: isoDay(input.asOf),
      timeUnit: input.timeUnit,
      horizon: input.horizon,
      customers: n,
      buyers,
      prospects: n - buyers,
      bgnbd: bg,
      purchaseModel: { name: model.name, params: model.params, logLik: model.logLik, atBound: model.atBound, selection: selected.selection },
      churnWindowDays,
      churn: 'scores' in churnClassifier ? churnClassifier.report : { source: 'model', windowDays: churnWindowDays, reason: churnClassifier.reason },
      gammaGamma: gg,
      cycle,
      propensity: propensity.report,
      engagement: engagement ? engagement.report : null,
      personas: personas ? { k: personas.k, silhouette: personas.silhouette, silhouetteByK: personas.silhouetteByK, personas: personas.personas } : null,
      warnings,
    },
  };
}

/**
 * Row i of the scores as a plain object (Dates, nulls for "none", recommendation objects).
 * @example customerScore(scores, 0).clv
 */
export function customerScore(scores: CustomerScores, i: number): CustomerScore {
  const buyer = i < scores.buyers;
  const num = (column: Float64Array): number | null => (!buyer || Number.isNaN(column[i]!) ? null : column[i]!);
  const date = (column: Float64Array): Date | null => (!buyer || Number.isNaN(column[i]!) ? null : new Date(column[i]!));
  const engagement = scores.engagement_likelihood[i]!;
  const recommendations: Recommendation[] = [];
  const { item, score: recScore, popular } = scores.recommendations;
  for (let k = scores.recommendationStart[i]!; k < scores.recommendationStart[i + 1]!; k++) {
    recommendations.push({ itemId: scores.items[item[k]!]!, score: recScore[k]!, source: popular[k] ? 'popular' : 'co-purchase' });
  }
  return {
    customer_id: scores.customer_id[i]!,
    x: num(scores.x),
    t_x: num(scores.t_x),
    T: num(scores.T),
    p_alive: num(scores.p_alive),
    expected_purchases: num(scores.expected_purchases),
    next_purchase_at: date(scores.next_purchase_at),
    next_purchase_low: date(scores.next_purchase_low),
    next_purchase_high: date(scores.next_purchase_high),
    next_purchase_deciles: buyer ? Array.from(scores.next_purchase_deciles.subarray(9 * i, 9 * i + 9), (d) => (Number.isNaN(d) ? null : d)) : [],
    next_purchase_source: scores.next_purchase_source[i] ?? null,
    purchase_cycle_days: num(scores.purchase_cycle_days),
    purchase_probability_30d: num(scores.purchase_probability_30d),
    purchase_probability_60d: num(scores.purchase_probability_60d),
    purchase_probability_90d: num(scores.purchase_probability_90d),
    overdue_probability: num(scores.overdue_probability),
    expected_spend_per_purchase: num(scores.expected_spend_per_purchase),
    clv: num(scores.clv),
    rfm_r: buyer ? scores.rfm_r[i]! : null,
    rfm_f: buyer ? scores.rfm_f[i]! : null,
    rfm_m: buyer ? scores.rfm_m[i]! : null,
    rfm_segment: scores.rfm_segment[i] ?? null,
    lifecycle_stage: scores.lifecycle_stage[i]!,
    value_tier: scores.value_tier[i] ?? null,
    churn_probability: num(scores.churn_probability),
    purchase_propensity: num(scores.purchase_propensity),
    engagement_likelihood: Number.isNaN(engagement) ? null : engagement,
    persona: scores.persona[i] ?? null,
    recommendations,
    // No model behind blank scores (too few repeat buyers): none is named.
    model: buyer && !Number.isNaN(scores.p_alive[i]!) ? scores.model : null,
  };
}

/**
 * All rows as plain objects, one at a time (a storage writer can batch them without holding
 * a million objects).
 * @example for (const row of customerScores(scores)) write(row);
 */
export function* customerScores(scores: CustomerScores): Generator<CustomerScore> {
  for (let i = 0; i < scores.n; i++) yield customerScore(scores, i);
}

function emptyScores(table: FeatureTable): CustomerScores {
  const { n, buyers } = table;
  const nan = (): Float64Array => new Float64Array(n).fill(NaN);
  return {
    n,
    buyers,
    customer_id: table.ids,
    // Shared with the feature table rather than copied.
    x: table.x,
    t_x: table.tx,
    T: table.T,
    p_alive: nan(),
    expected_purchases: nan(),
    next_purchase_at: nan(),
    next_purchase_low: nan(),
    next_purchase_high: nan(),
    next_purchase_deciles: new Float64Array(9 * n).fill(NaN),
    next_purchase_source: new Array<NextPurchaseSource | null>(n).fill(null),
    purchase_cycle_days: nan(),
    purchase_probability_30d: nan(),
    purchase_probability_60d: nan(),
    purchase_probability_90d: nan(),
    overdue_probability: nan(),
    expected_spend_per_purchase: nan(),
    clv: nan(),
    rfm_r: new Uint8Array(n),
    rfm_f: new Uint8Array(n),
    rfm_m: new Uint8Array(n),
    rfm_segment: new Array<RfmSegment | null>(n).fill(null),
    // Prospects keep this; buyers are overwritten with their stage.
    lifecycle_stage: new Array<LifecycleStage>(n).fill('prospect'),
    value_tier: new Array<ValueTier | null>(n).fill(null),
    churn_probability: nan(),
    purchase_propensity: nan(),
    engagement_likelihood: nan(),
    persona: new Array<string | null>(n).fill(null),
    recommendationStart: new Uint32Array(n + 1),
    recommendations: { item: new Uint32Array(0), score: new Float64Array(0), popular: new Uint8Array(0) },
    items: [],
    model: 'bgnbd',
  };
}

/** Top-n recommendations of every customer (buyers and prospects), when orders carry items. */
function fillRecommendations(scores: CustomerScores, table: FeatureTable, orders: readonly Order[], index: OrderIndex, asOf: Date, topN: number): void {
  requireScalar('recommendations', topN, { min: 0 });
  if (topN === 0 || !orders.some((order) => order.items && order.items.length > 0)) return;
  const recommender = buildRecommender(orders, index, { cutoff: asOf });
  const buffer: RecommendationBuffer = { item: new Uint32Array(scores.n * topN), score: new Float64Array(scores.n * topN), popular: new Uint8Array(scores.n * topN) };
  let at = 0;
  for (let i = 0; i < scores.n; i++) {
    const slot = i < table.buyers ? table.orderSlot[i]! : index.slotOf.get(scores.customer_id[i]!);
    at += recommendInto(recommender, slot, topN, buffer, at);
    scores.recommendationStart[i + 1] = at;
  }
  scores.recommendations = buffer;
  scores.items = recommender.items;
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

/**
 * P(purchase within the propensity window): the out-of-time classifier when it beats the model
 * (sharpen.ts), else the next-purchase distribution's. A history shorter than two windows has
 * no full window before the as-of date; then the classifier is trained on the churn window
 * (it still ranks buyers) and its probability is for that shorter window — the report says which.
 */
function scoreBuyProbability(
  classify: (days: number) => Sharpened | { reason: string },
  windowDays: number,
  innerDays: number,
  fromDistribution: Float64Array,
): { scores: Float64Array; report: ScoreReport['propensity'] } {
  let sharpened = classify(windowDays);
  if ('reason' in sharpened && innerDays < windowDays) sharpened = classify(innerDays);
  if ('reason' in sharpened) return { scores: fromDistribution, report: { source: 'model', windowDays, reason: sharpened.reason } };
  return sharpened;
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

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
