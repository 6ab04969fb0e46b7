import { median } from 'simple-statistics';
import { ForesightError } from '../core/errors.ts';
import { featuresAt, type FeatureTable, indexOrders, type OrderIndex, purchaseDaysBetween } from './features.ts';
import { aucInterval, brierScore, type CalibrationBin, calibrationTable } from './metrics.ts';
import { PURCHASE_MODELS, type PurchaseModel, type PurchaseModelName } from './purchase-model.ts';
import { type CustomerScores, MIN_REPEAT_BUYERS, type ScoreOptions, type ScoreReport, scoreCustomers } from './score.ts';
import { fitPurchaseModel } from './select.ts';
import { dateOfDay, dayNumber, daysPerUnit, MS_PER_DAY } from './time.ts';
import type { Order, TimeUnit } from './types.ts';

/**
 * The out-of-time check of every score: fit and score on orders up to the calibration end
 * only, then compare with what customers did in (calibration end, holdout end]. This is what
 * `foresight models evaluate` prints and what the nightly job stores (on a split of its own
 * history), and what Insights draws.
 */

export interface EvaluateInput {
  orders: readonly Order[];
  calibrationEnd: Date;
  holdoutEnd: Date;
  timeUnit: TimeUnit;
  options?: ScoreOptions;
  /** Bootstrap resamples for the AUC intervals (default 200). */
  resamples?: number;
}

/** One probability checked against a 0/1 outcome. */
export interface ScoreCheck {
  score: string;
  /** What counts as the event, e.g. "no purchase in the 273-day holdout". */
  outcome: string;
  customers: number;
  events: number;
  auc: number;
  aucLow: number;
  aucHigh: number;
  /** Brier score; null when the score's window differs from the outcome's. */
  brier: number | null;
  /** Brier score of predicting the observed event rate for everyone. */
  baseRateBrier: number | null;
  calibration: CalibrationBin[];
  /** A trivial competitor: days since the last order (more days = more likely no purchase). */
  baseline: { name: string; auc: number; aucLow: number; aucHigh: number };
  usable: boolean;
  /** Plain words: why usable or not. */
  verdict: string;
}

export interface FhlRow {
  /** Calibration repeat purchases: "0" … "6", "7+". */
  x: string;
  customers: number;
  actual: number;
  /** Mean predicted holdout purchases per model. */
  predicted: Partial<Record<PurchaseModelName, number>>;
}

export interface TrackingPoint {
  /** Week number since the first purchase in the data (1 = its first week). */
  week: number;
  /** Last day of the week (ISO). */
  end: string;
  /** Cumulative repeat purchase days. */
  actual: number;
  predicted: Partial<Record<PurchaseModelName, number>>;
}

export interface EvaluationReport {
  calibrationEnd: string;
  holdoutEnd: string;
  holdoutDays: number;
  timeUnit: TimeUnit;
  customers: number;
  /** Customers with a purchase in the holdout, and their share. */
  holdoutBuyers: number;
  holdoutBuyerShare: number;
  purchaseModel: ScoreReport['purchaseModel'];
  /** The purchase models compared (FHL table and tracking columns). */
  models: { name: PurchaseModelName; params: Record<string, number>; logLik: number; holdoutMae: number }[];
  fhl: FhlRow[];
  tracking: TrackingPoint[];
  scores: ScoreCheck[];
  nextPurchase: {
    /** Customers given a date (P(purchased) reaches 50 % within the churn window of `windowDays`). */
    withDate: number;
    windowDays: number;
    /** The same check on the distribution's median wherever it falls within the horizon (the dates a wait may act on). */
    horizonMedian: { withDate: number; medianAbsErrorDays: number | null };
    /** Median |date − first holdout purchase| in days, over holdout buyers with a date; null without any. */
    medianAbsErrorDays: number | null;
    holdoutBuyersWithDate: number;
    /** Of customers whose date falls inside the holdout, the share that had bought by it (ideal ≈ 50 %). */
    dueInHoldout: number;
    boughtByDateShare: number | null;
    /**
     * P(first holdout purchase ≤ the k-th decile), k = 1..9, estimated with right-censoring at
     * the holdout end (actuarial life table on the decile scale): ideal k/10. null where no
     * customer was observed that far.
     */
    deciles: (number | null)[];
    /** The 80 % interval [low, high] = [1st, 9th decile]: estimated share of first purchases inside. */
    coverage: number | null;
  };
  clv: { customers: number; predictedTotal: number; actualTotal: number; correlation: number | null };
  warnings: string[];
}

const MIN_EVENTS = 20;

/**
 * @example
 * const report = evaluateModels({ orders, calibrationEnd: new Date('1997-09-30'), holdoutEnd: new Date('1998-06-30'), timeUnit: 'week' });
 * report.scores[0].auc; report.fhl[1]
 */
export function evaluateModels(input: EvaluateInput): EvaluationReport {
  const calDay = dayNumber(input.calibrationEnd);
  const endDay = dayNumber(input.holdoutEnd);
  if (!(endDay > calDay)) {
    throw new ForesightError('invalid_input', `holdoutEnd ${iso(endDay)} must be after calibrationEnd ${iso(calDay)}; give a later --holdout-end`, { field: 'holdoutEnd' });
  }
  const holdoutDays = endDay - calDay;
  const unit = daysPerUnit(input.timeUnit);
  const horizon = holdoutDays / unit;
  const options: ScoreOptions = { personas: false, recommendations: 0, fitSampleSize: Number.MAX_SAFE_INTEGER, ...input.options, discountRate: 0 };
  // Only calibration orders reach the scorer: nothing after the cut can leak into a fit.
  const calibration = input.orders.filter((o) => dayNumber(o.orderedAt) <= calDay);
  const index = indexOrders(input.orders);
  const table = featuresAt(index, dateOfDay(calDay), input.timeUnit);
  // Below this the scorer leaves the model scores blank: AUCs and calibration of blanks would be noise.
  let repeatBuyers = 0;
  for (let i = 0; i < table.buyers; i++) if (table.x[i]! > 0) repeatBuyers++;
  if (repeatBuyers < MIN_REPEAT_BUYERS) {
    throw new ForesightError(
      'too_few_repeat_buyers',
      `only ${repeatBuyers} of ${table.buyers} customers bought again by ${iso(calDay)}; checking the models needs at least ${MIN_REPEAT_BUYERS} repeat buyers before the calibration end (their scores are blank below that); give a later calibrationEnd or more order history`,
      { field: 'calibrationEnd' },
    );
  }
  const { scores, report } = scoreCustomers({ orders: calibration, asOf: dateOfDay(calDay), timeUnit: input.timeUnit, horizon, options });
  // Same rows in the same order as the scores (both index the calibration buyers first-seen).
  const row = alignRows(scores, table);
  const actual = purchaseDaysBetween(index, table, calDay, endDay);
  const first = firstPurchaseAfter(index, table, calDay, endDay);
  const spend = spendBetween(index, table, calDay, endDay);
  const buyers = table.buyers;
  let holdoutBuyers = 0;
  for (let i = 0; i < buyers; i++) if (actual[i]! > 0) holdoutBuyers++;

  const models = fitAll(table, report);
  const resamples = input.resamples ?? 200;
  const warnings = [...report.warnings];
  const daysSince = table.daysSinceLast.subarray(0, buyers);
  const churnWindow = report.churnWindowDays;
  const checks: ScoreCheck[] = [];
  const pick = (column: Float64Array): Float64Array => Float64Array.from({ length: buyers }, (_, i) => column[row[i]!]!);
  const noPurchaseWithin = (days: number): Float64Array => Float64Array.from({ length: buyers }, (_, i) => (Number.isNaN(first[i]!) || first[i]! > calDay + days ? 1 : 0));
  const churn = pick(scores.churn_probability);
  checks.push(check('churn_probability', `no purchase in the ${holdoutDays}-day holdout`, churn, noPurchaseWithin(holdoutDays), daysSince, churnWindow === holdoutDays, resamples));
  if (churnWindow < holdoutDays) {
    checks.push(check('churn_probability', `no purchase in the ${churnWindow} days after the calibration end (its window)`, churn, noPurchaseWithin(churnWindow), daysSince, true, resamples));
  }
  // The propensity's window is the horizon (the whole holdout) unless its classifier had to be trained on a shorter one.
  const boughtInHoldout = noPurchaseWithin(holdoutDays).map((v) => 1 - v);
  checks.push(check('purchase_propensity', `a purchase in the ${holdoutDays}-day holdout`, pick(scores.purchase_propensity), boughtInHoldout, daysSince.map((d) => -d), report.propensity.windowDays === holdoutDays, resamples));
  for (const days of [30, 60, 90] as const) {
    if (days > holdoutDays) continue;
    const column = scores[`purchase_probability_${days}d`];
    const bought = noPurchaseWithin(days).map((v) => 1 - v);
    checks.push(check(`purchase_probability_${days}d`, `a purchase in the ${days} days after the calibration end`, pick(column), bought, daysSince.map((d) => -d), true, resamples));
  }

  return {
    calibrationEnd: iso(calDay),
    holdoutEnd: iso(endDay),
    holdoutDays,
    timeUnit: input.timeUnit,
    customers: buyers,
    holdoutBuyers,
    holdoutBuyerShare: buyers > 0 ? holdoutBuyers / buyers : 0,
    purchaseModel: report.purchaseModel,
    models: models.map(({ model, holdoutMae }) => ({ name: model.name, params: model.params, logLik: model.logLik, holdoutMae })),
    fhl: fhlTable(table, actual, models, horizon),
    tracking: tracking(index, table, endDay, models, unit),
    scores: checks,
    nextPurchase: nextPurchaseCheck(scores, row, first, calDay, endDay, churnWindow),
    clv: clvCheck(pick(scores.clv), spend),
    warnings,
  };
}

/** Candidate models refitted on the whole calibration; each also scored by its own holdout MAE. */
function fitAll(table: FeatureTable, report: ScoreReport): { model: PurchaseModel; holdoutMae: number }[] {
  const data = { x: table.x.subarray(0, table.buyers), tx: table.tx.subarray(0, table.buyers), T: table.T.subarray(0, table.buyers) };
  const selection = report.purchaseModel.selection;
  const names = selection.candidates.length > 0 ? selection.candidates.map((c) => c.name) : selection.reason === 'the only candidate' ? [selection.chosen] : PURCHASE_MODELS;
  return names.map((name) => ({ model: fitPurchaseModel(name, data, name === 'bgnbd' ? report.bgnbd : undefined), holdoutMae: NaN }));
}

function alignRows(scores: CustomerScores, table: FeatureTable): Uint32Array {
  const at = new Map<string, number>();
  for (let i = 0; i < scores.buyers; i++) at.set(scores.customer_id[i]!, i);
  return Uint32Array.from({ length: table.buyers }, (_, i) => {
    const r = at.get(table.ids[i]!);
    if (r === undefined) throw new ForesightError('internal', `customer ${table.ids[i]} missing from the scores`);
    return r;
  });
}

function check(score: string, outcome: string, p: Float64Array, y: Float64Array, baselineScore: Float64Array, sameWindow: boolean, resamples: number): ScoreCheck {
  let events = 0;
  for (const v of y) events += v;
  const model = aucInterval(p, y, { resamples, seed: 1 });
  const baseline = aucInterval(baselineScore, y, { resamples, seed: 1 });
  const rate = events / y.length;
  const tooFew = events < MIN_EVENTS || y.length - events < MIN_EVENTS;
  const worse = model.auc < baseline.auc - 0.02;
  const verdict = tooFew
    ? `not usable: ${events} events among ${y.length} customers; at least ${MIN_EVENTS} of each outcome are needed`
    : model.low <= 0.5
      ? `not usable: the AUC interval (${f3(model.low)}–${f3(model.high)}) includes a coin toss`
      : worse
        ? `not usable: ranks worse than days since the last order (AUC ${f3(model.auc)} vs ${f3(baseline.auc)})`
        : `usable: AUC ${f3(model.auc)} (95 % ${f3(model.low)}–${f3(model.high)}) vs ${f3(baseline.auc)} for days since the last order`;
  return {
    score,
    outcome,
    customers: y.length,
    events,
    auc: model.auc,
    aucLow: model.low,
    aucHigh: model.high,
    brier: sameWindow ? brierScore(p, y) : null,
    baseRateBrier: sameWindow ? rate * (1 - rate) : null,
    calibration: sameWindow ? calibrationTable(p, y) : [],
    baseline: { name: 'days since the last order', auc: baseline.auc, aucLow: baseline.low, aucHigh: baseline.high },
    usable: !tooFew && model.low > 0.5 && !worse,
    verdict,
  };
}

function fhlTable(table: FeatureTable, actual: Float64Array, models: { model: PurchaseModel }[], horizon: number): FhlRow[] {
  const rows: FhlRow[] = Array.from({ length: 8 }, (_, k) => ({ x: k === 7 ? '7+' : String(k), customers: 0, actual: 0, predicted: {} }));
  for (let i = 0; i < table.buyers; i++) {
    const r = rows[Math.min(7, table.x[i]!)]!;
    r.customers++;
    r.actual += actual[i]!;
    for (const { model } of models) r.predicted[model.name] = (r.predicted[model.name] ?? 0) + model.expectedPurchases(table.x[i]!, table.tx[i]!, table.T[i]!, horizon);
  }
  for (const r of rows) {
    if (r.customers === 0) continue;
    r.actual /= r.customers;
    for (const name of Object.keys(r.predicted) as PurchaseModelName[]) r.predicted[name]! /= r.customers;
  }
  return rows.filter((r) => r.customers > 0);
}

/**
 * Cumulative repeat purchase days per week, actual vs each model's expectation for customers
 * born (first purchase) on their day: Σ_i E[X(t − birth_i)], the FHL 2005 tracking figure.
 */
function tracking(index: OrderIndex, table: FeatureTable, endDay: number, models: { model: PurchaseModel }[], unit: number): TrackingPoint[] {
  let start = Infinity;
  for (let i = 0; i < table.buyers; i++) start = Math.min(start, table.firstDay[i]!);
  const weeks = Math.ceil((endDay - start + 1) / 7);
  const repeatPerDay = new Float64Array(endDay - start + 1);
  const births = new Map<number, number>();
  for (let i = 0; i < table.buyers; i++) {
    const c = table.orderSlot[i]!;
    const firstDay = index.day[index.dayStart[c]!]!;
    births.set(firstDay, (births.get(firstDay) ?? 0) + 1);
    for (let k = index.dayStart[c]! + 1; k < index.dayStart[c + 1]!; k++) if (index.day[k]! <= endDay) repeatPerDay[index.day[k]! - start]! += 1;
  }
  const points: TrackingPoint[] = [];
  let cumulative = 0;
  for (let w = 1; w <= weeks; w++) {
    const last = Math.min(start + 7 * w - 1, endDay);
    for (let d = start + 7 * (w - 1); d <= last; d++) cumulative += repeatPerDay[d - start]!;
    const predicted: TrackingPoint['predicted'] = {};
    for (const { model } of models) {
      let sum = 0;
      // Through the end of day `last`: a customer born on day b has had last − b days to repeat.
      for (const [birth, count] of births) if (birth < last) sum += count * model.expectedPurchases(0, 0, 0, (last - birth) / unit);
      predicted[model.name] = sum;
    }
    points.push({ week: w, end: iso(last), actual: cumulative, predicted });
  }
  return points;
}

function nextPurchaseCheck(scores: CustomerScores, row: Uint32Array, first: Float64Array, calDay: number, endDay: number, windowDays: number): EvaluationReport['nextPurchase'] {
  const errors: number[] = [];
  const horizonErrors: number[] = [];
  let horizonWithDate = 0;
  let withDate = 0;
  let due = 0;
  let boughtByDate = 0;
  for (let i = 0; i < row.length; i++) {
    const r = row[i]!;
    const bought = !Number.isNaN(first[i]!);
    const at = scores.next_purchase_at[r]! / MS_PER_DAY;
    const median = scores.next_purchase_deciles[9 * r + 4]!;
    if (!Number.isNaN(median)) {
      horizonWithDate++;
      if (bought) horizonErrors.push(Math.abs(calDay + median - first[i]!));
    }
    if (!Number.isNaN(at)) {
      withDate++;
      if (bought) errors.push(Math.abs(at - first[i]!));
      if (at <= endDay) {
        due++;
        if (bought && first[i]! <= at) boughtByDate++;
      }
    }
  }
  return {
    withDate,
    windowDays,
    horizonMedian: { withDate: horizonWithDate, medianAbsErrorDays: medianOf(horizonErrors) },
    medianAbsErrorDays: medianOf(errors),
    holdoutBuyersWithDate: errors.length,
    dueInHoldout: due,
    boughtByDateShare: due > 0 ? boughtByDate / due : null,
    ...decileCalibration(scores, row, first, calDay, endDay),
  };
}

/**
 * Where do first holdout purchases fall among each customer's predicted deciles? Bin k
 * (1..10) = the first decile the purchase precedes. A customer without a purchase is censored
 * after the deciles that end inside the holdout; customers censored within a bin count half
 * at risk there (the actuarial life-table rule). Returns the cumulative share per decile.
 */
function decileCalibration(scores: CustomerScores, row: Uint32Array, first: Float64Array, asOfDay: number, endDay: number): { deciles: (number | null)[]; coverage: number | null } {
  const events = new Float64Array(11);
  const censoredAfter = new Float64Array(11);
  for (let i = 0; i < row.length; i++) {
    const r = row[i]!;
    let bin = 1;
    let observed = 0;
    for (let k = 0; k < 9; k++) {
      const q = scores.next_purchase_deciles[9 * r + k]!;
      const qDay = Number.isNaN(q) ? Infinity : asOfDay + q;
      if (qDay <= endDay) observed++;
      if (!Number.isNaN(first[i]!) && first[i]! > qDay) bin = k + 2;
    }
    if (Number.isNaN(first[i]!)) censoredAfter[observed]! += 1;
    else events[bin]! += 1;
  }
  let atRisk = 0;
  for (let k = 1; k <= 10; k++) atRisk += events[k]!;
  for (let c = 0; c <= 10; c++) atRisk += censoredAfter[c]!;
  const cumulative: (number | null)[] = [];
  let survival = 1;
  for (let k = 1; k <= 9; k++) {
    // Censored after k−1 deciles leave during bin k.
    const leaving = censoredAfter[k - 1]!;
    const exposed = atRisk - leaving / 2;
    if (exposed <= 0) {
      cumulative.push(null);
      continue;
    }
    survival *= 1 - events[k]! / exposed;
    cumulative.push(1 - survival);
    atRisk -= events[k]! + leaving;
  }
  const coverage = cumulative[0] === null || cumulative[8] === null ? null : cumulative[8]! - cumulative[0]!;
  return { deciles: cumulative, coverage };
}

function clvCheck(predicted: Float64Array, actual: Float64Array): EvaluationReport['clv'] {
  let sp = 0;
  let sa = 0;
  for (let i = 0; i < predicted.length; i++) {
    sp += predicted[i]!;
    sa += actual[i]!;
  }
  const n = predicted.length;
  const mp = sp / n;
  const ma = sa / n;
  let cov = 0;
  let vp = 0;
  let va = 0;
  for (let i = 0; i < n; i++) {
    cov += (predicted[i]! - mp) * (actual[i]! - ma);
    vp += (predicted[i]! - mp) ** 2;
    va += (actual[i]! - ma) ** 2;
  }
  return { customers: n, predictedTotal: sp, actualTotal: sa, correlation: vp > 0 && va > 0 ? cov / Math.sqrt(vp * va) : null };
}

/** Day number of each buyer's first purchase day in (from, to]; NaN when none. */
function firstPurchaseAfter(index: OrderIndex, table: FeatureTable, from: number, to: number): Float64Array {
  const out = new Float64Array(table.buyers).fill(NaN);
  for (let i = 0; i < table.buyers; i++) {
    const c = table.orderSlot[i]!;
    for (let k = index.dayStart[c]!; k < index.dayStart[c + 1]!; k++) {
      const d = index.day[k]!;
      if (d > from && d <= to) {
        out[i] = d;
        break;
      }
    }
  }
  return out;
}

function spendBetween(index: OrderIndex, table: FeatureTable, from: number, to: number): Float64Array {
  const out = new Float64Array(table.buyers);
  for (let i = 0; i < table.buyers; i++) {
    const c = table.orderSlot[i]!;
    for (let k = index.dayStart[c]!; k < index.dayStart[c + 1]!; k++) if (index.day[k]! > from && index.day[k]! <= to) out[i]! += index.dayAmount[k]!;
  }
  return out;
}

function iso(day: number): string {
  return dateOfDay(day).toISOString().slice(0, 10);
}

function f3(v: number): string {
  return v.toFixed(3);
}

/** simple-statistics' median, null for no values (it throws there). */
function medianOf(values: number[]): number | null {
  return values.length === 0 ? null : median(values);
}
