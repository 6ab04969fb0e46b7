import { ForesightError } from '../core/errors.ts';
import { type BgnbdParams, fitBgnbd, probabilityNoPurchase } from './bgnbd.ts';
import { type FeatureTable, featuresAt, type OrderIndex, purchaseDaysBetween } from './features.ts';
import { fitWithHoldout, type HoldoutReport } from './holdout.ts';
import { type LogisticModel, predictLogisticRow } from './logistic.ts';
import { sampleRows } from './rows.ts';
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

/** The propensity model's features, in model order. */
export const PROPENSITY_FEATURES = ['bgnbd_logit', 'log_repeat_days', 'log_days_since_last', 'log_tenure_days', 'log_order_value', 'log_items_per_order'] as const;

/**
 * Writes buyer row i's features (logs tame the skew) into `out`, in PROPENSITY_FEATURES order,
 * given its BG/NBD purchase probability.
 */
function propensityRow(table: FeatureTable, i: number, bgnbdProbability: number, out: Float64Array): void {
  out[0] = logit(bgnbdProbability);
  out[1] = Math.log1p(table.x[i]!);
  out[2] = Math.log1p(table.daysSinceLast[i]!);
  out[3] = Math.log1p(table.cutoffDay - table.firstDay[i]!);
  out[4] = Math.log1p(table.averageOrderValue[i]!);
  out[5] = Math.log1p(table.quantity[i]! / table.orders[i]!);
}

/**
 * Feature columns of the propensity model for the buyer rows, given each row's BG/NBD
 * purchase probability over the model's window.
 * @example propensityFeatures(table, bgnbdPurchaseProbability(table, fit.params, 39)).bgnbd_logit
 */
export function propensityFeatures(table: FeatureTable, bgnbdProbability: ArrayLike<number>): Record<string, Float64Array> {
  const columns = PROPENSITY_FEATURES.map(() => new Float64Array(table.buyers));
  const row = new Float64Array(PROPENSITY_FEATURES.length);
  for (let i = 0; i < table.buyers; i++) {
    propensityRow(table, i, bgnbdProbability[i]!, row);
    for (let j = 0; j < row.length; j++) columns[j]![i] = row[j]!;
  }
  return Object.fromEntries(PROPENSITY_FEATURES.map((name, j) => [name, columns[j]!]));
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
  /** Cap on customers sampled (evenly spaced) for the BG/NBD refit and the regression. */
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
  // A bounded, evenly spaced sample of customers: cheap on huge bases, all of a small one.
  const table = featuresAt(o.index, trainingCutoff, o.timeUnit, undefined, sampleRows(o.index.ids.length, o.maxRows ?? 100_000));
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
  const fit = fitBgnbd(table);
  const baseline = bgnbdPurchaseProbability(table, fit.params, o.windowDays / unit);
  const { model, report } = fitWithHoldout(propensityFeatures(table, baseline), labels, { ids: table.ids, baseline, seed: o.seed ?? 1 });
  return { model, report, trainingCutoff, windowDays: o.windowDays };
}

/**
 * Probability of buying within the model's window, for each buyer row; `bgnbdProbability`
 * must be taken over that same window. Scores row by row (no feature columns).
 * @example scorePropensity(training.model, table, bgnbdPurchaseProbability(table, fit.params, training.windowDays / 7))
 */
export function scorePropensity(model: LogisticModel, table: FeatureTable, bgnbdProbability: ArrayLike<number>): Float64Array {
  if (model.names.join() !== PROPENSITY_FEATURES.join()) {
    throw new ForesightError('invalid_model_input', `model features ${model.names.join(', ')} are not the propensity features; train it with trainPropensity`, { field: 'model' });
  }
  const out = new Float64Array(table.buyers);
  const row = new Float64Array(PROPENSITY_FEATURES.length);
  for (let i = 0; i < table.buyers; i++) {
    propensityRow(table, i, bgnbdProbability[i]!, row);
    out[i] = predictLogisticRow(model, row);
  }
  return out;
}

function logit(p: number): number {
  const q = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
  return Math.log(q / (1 - q));
}
