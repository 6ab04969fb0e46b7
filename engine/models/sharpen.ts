import type { BgnbdFit } from './bgnbd.ts';
import type { FeatureTable, OrderIndex } from './features.ts';
import type { HoldoutReport } from './holdout.ts';
import { bgnbdPurchaseProbability, scorePropensity, trainPropensity } from './propensity.ts';
import { daysPerUnit } from './time.ts';
import type { TimeUnit } from './types.ts';

/**
 * The out-of-time classifier that may sharpen the purchase model's P(purchase within a window):
 * the propensity regression (propensity.ts) trained on features before an inner cut
 * (as-of − window) and the outcome after it — never on anything after the as-of date — and
 * used only when it ranks the held-out customers of that window better than the BG/NBD
 * probability does. Otherwise a reason, and the caller keeps the model's probability.
 */

export interface Sharpened {
  /** P(purchase within `windowDays` after the as-of day), per buyer row. */
  scores: Float64Array;
  report: { source: 'logistic'; windowDays: number; trainingCutoff: string; holdout: HoldoutReport; coefficients: Record<string, number> };
}

export interface SharpenInput {
  index: OrderIndex;
  table: FeatureTable;
  asOf: Date;
  timeUnit: TimeUnit;
  /** BG/NBD fitted at the as-of date (the classifier's first feature). */
  bgnbd: BgnbdFit;
  maxRows?: number;
  seed?: number;
}

/**
 * @example const c = sharpenedProbability(input, 90); if ('scores' in c) churn = 1 − c.scores[i]
 */
export function sharpenedProbability(input: SharpenInput, windowDays: number): Sharpened | { reason: string } {
  const trained = trainPropensity({ index: input.index, asOf: input.asOf, timeUnit: input.timeUnit, windowDays, maxRows: input.maxRows ?? 50_000, seed: input.seed ?? 1 });
  if ('reason' in trained) return trained;
  const held = trained.report;
  if (held.baselineAuc !== null && !(held.auc > held.baselineAuc)) {
    return { reason: `the classifier's holdout AUC ${held.auc.toFixed(3)} does not beat the purchase model's ${held.baselineAuc.toFixed(3)}` };
  }
  // The regression was trained on the BG/NBD probability over its window as a feature, so it is scored on the same.
  const baseline = bgnbdPurchaseProbability(input.table, input.bgnbd.params, windowDays / daysPerUnit(input.timeUnit));
  const coefficients: Record<string, number> = {};
  trained.model.names.forEach((name, j) => (coefficients[name] = trained.model.coef[j]!));
  return {
    scores: scorePropensity(trained.model, input.table, baseline),
    report: { source: 'logistic', windowDays, trainingCutoff: trained.trainingCutoff.toISOString().slice(0, 10), holdout: held, coefficients },
  };
}
