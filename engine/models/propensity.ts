import { type BgnbdParams, fitBgnbd, probabilityNoPurchase } from './bgnbd.ts';
import { type FeatureTable, featuresAt, type OrderIndex, purchaseDaysBetween } from './features.ts';
import { fitWithHoldout, type HoldoutReport } from './holdout.ts';
import { type LogisticModel, predictLogistic } from './logistic.ts';
import { sampleRows, takeRows } from './split.ts';
import { dateOfDay, dayNumber, daysPerUnit } from './time.ts';
import type { TimeUnit } from './types.ts';

/**
 * Propensity to buy within a window: logistic regression on purchase behaviour plus the
 * BG/NBD score, so it starts from the model's view and corrects it with what BG/NBD ignores
 * (spend, items per order, the exact recency shape).
 *
 * Training without leakage: labels must come from after the features' cutoff. In production
 * the future is unknown, so `trainPropensity` moves back one window — features (and the BG/NBD
 * fit) at asOf − window, labels = any purchase in (asOf − window, asOf] — and the model is then
 * applied to features at asOf. On a backtest with known future (the CDNOW check) customers are
 * split instead: features at the cutoff, labels from the following window.
 */

/**
 * The baseline: P(at least one purchase in the next `horizon` units) under BG/NBD,
 * 1 − P(X = 0 | history), for each buyer row.
 * @example bgnbdPurchaseProbability(table, fit.params, 39)
 */
export function bgnbdPurchaseProbability(table: FeatureTable, params: BgnbdParams, horizon: number): Float64Array {
  const out = new Float64Array(table.buyers);
  for (let i = 0; i < table.buyers; i++) out[i] = 1 - probabilityNoPurchase(params, table.x[i]!, table.tx[i]!, table.T[i]!, horizon);
  return out;
}

/**
 * Feature columns of the propensity model for the buyer rows (logs tame the skew), given the
 * BG/NBD purchase probability of each buyer row.
 * @example propensityFeatures(table, bgnbdPurchaseProbability(table, fit.params, 39)).bgnbd_logit
 */
export function propensityFeatures(table: FeatureTable, bgnbdProbability: ArrayLike<number>): Record<string, Float64Array> {
  const col = (f: (i: number) => number): Float64Array => Float64Array.from({ length: table.buyers }, (_, i) => f(i));
  return {
    bgnbd_logit: col((i) => logit(bgnbdProbability[i]!)),
    log_repeat_days: col((i) => Math.log1p(table.x[i]!)),
    log_days_since_last: col((i) => Math.log1p(table.daysSinceLast[i]!)),
    log_tenure_days: col((i) => Math.log1p(table.cutoffDay - table.firstDay[i]!)),
    log_order_value: col((i) => Math.log1p(table.averageOrderValue[i]!)),
    log_items_per_order: col((i) => Math.log1p(table.quantity[i]! / table.orders[i]!)),
  };
}

export interface PropensityTraining {
  model: LogisticModel;
  report: HoldoutReport;
  /** The earlier cutoff whose features were labelled by the following window. */
  trainingCutoff: Date;
  windowDays: number;
}

export interface PropensityTrainingOptions {
  index: OrderIndex;
  asOf: Date;
  timeUnit: TimeUnit;
  windowDays: number;
  /** Cap on training rows (an evenly spaced subset) for the BG/NBD refit and the regression. */
  maxRows?: number;
  /** Fewest training rows / rows per class worth fitting on. */
  minRows?: number;
  seed?: number;
}

/**
 * Trains on the window before `asOf` (see module comment). Returns a reason instead of a
 * model when that window holds too little data — e.g. a young customer base.
 * @example
 * const t = trainPropensity({ index, asOf, timeUnit: 'week', windowDays: 91 });
 * if ('model' in t) scorePropensity(t.model, table, bgnbdPurchaseProbability(table, fit.params, 13));
 */
export function trainPropensity(o: PropensityTrainingOptions): PropensityTraining | { reason: string } {
  const unit = daysPerUnit(o.timeUnit);
  const asOfDay = dayNumber(o.asOf);
  const trainingCutoff = dateOfDay(asOfDay - o.windowDays);
  const table = featuresAt(o.index, trainingCutoff, o.timeUnit);
  const minRows = o.minRows ?? 200;
  if (table.buyers < minRows) {
    return { reason: `only ${table.buyers} customers had bought by ${trainingCutoff.toISOString().slice(0, 10)} (one window before the as-of date); need ${minRows}` };
  }
  const labels = purchaseDaysBetween(o.index, table, table.cutoffDay, asOfDay).map((v) => (v > 0 ? 1 : 0));
  let positives = 0;
  for (const y of labels) positives += y;
  const minClass = Math.max(10, Math.floor(minRows / 20));
  if (positives < minClass || labels.length - positives < minClass) {
    return { reason: `the training window has ${positives} buyers and ${labels.length - positives} non-buyers; need ${minClass} of each` };
  }
  const rows = sampleRows(table.buyers, o.maxRows ?? 100_000);
  const fit = fitBgnbd({ x: takeRows(table.x, rows), tx: takeRows(table.tx, rows), T: takeRows(table.T, rows) });
  const baseline = bgnbdPurchaseProbability(table, fit.params, o.windowDays / unit);
  const features: Record<string, Float64Array> = {};
  for (const [name, col] of Object.entries(propensityFeatures(table, baseline))) features[name] = takeRows(col, rows);
  const { model, report } = fitWithHoldout(features, takeRows(labels, rows), {
    ids: Array.from(rows, (i) => table.ids[i]!),
    baseline: takeRows(baseline, rows),
    seed: o.seed ?? 1,
  });
  return { model, report, trainingCutoff, windowDays: o.windowDays };
}

/**
 * Probability of buying within the model's window, for each buyer row; `bgnbdProbability`
 * must be taken over that same window.
 * @example scorePropensity(training.model, table, bgnbdPurchaseProbability(table, fit.params, training.windowDays / 7))
 */
export function scorePropensity(model: LogisticModel, table: FeatureTable, bgnbdProbability: ArrayLike<number>): Float64Array {
  return predictLogistic(model, propensityFeatures(table, bgnbdProbability));
}

function logit(p: number): number {
  const q = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
  return Math.log(q / (1 - q));
}
