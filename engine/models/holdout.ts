import { fitLogistic, type LogisticModel, predictLogistic } from './logistic.ts';
import { auc, brierScore, type CalibrationBin, calibrationTable } from './metrics.ts';
import { holdoutMask } from './split.ts';

/**
 * Fit-and-check for the logistic scores (propensity, engagement): split customers by a
 * seeded hash of their id, fit on the training part, report holdout AUC / Brier /
 * calibration (and the same for a baseline score if given), then refit on all rows so the
 * scoring model uses every label. The reported figures are the held-out ones.
 */

export interface HoldoutReport {
  auc: number;
  brier: number;
  calibration: CalibrationBin[];
  baselineAuc: number | null;
  baselineBrier: number | null;
  trainRows: number;
  holdoutRows: number;
  positiveRate: number;
}

export interface HoldoutOptions {
  ids: readonly string[];
  lambda?: number;
  holdoutFraction?: number;
  seed?: number;
  /** A competing probability per row (e.g. the BG/NBD score) evaluated on the same holdout. */
  baseline?: ArrayLike<number>;
}

/**
 * @example
 * const { model, report } = fitWithHoldout(features, labels, { ids: table.ids, baseline });
 * report.auc > report.baselineAuc
 */
export function fitWithHoldout(
  features: Readonly<Record<string, Float64Array>>,
  labels: Float64Array,
  options: HoldoutOptions,
): { model: LogisticModel; report: HoldoutReport } {
  const mask = holdoutMask(options.ids, options.holdoutFraction ?? 0.3, options.seed ?? 1);
  const train = selectRows(features, labels, mask, 0);
  const test = selectRows(features, labels, mask, 1);
  const fitOptions = { lambda: options.lambda ?? 1 };
  const trained = fitLogistic(train.features, train.labels, fitOptions);
  const predicted = predictLogistic(trained, test.features);
  const baseline = options.baseline ? pick(options.baseline, mask, 1) : null;
  let positives = 0;
  for (const y of labels) positives += y;
  const report: HoldoutReport = {
    auc: auc(predicted, test.labels),
    brier: brierScore(predicted, test.labels),
    calibration: calibrationTable(predicted, test.labels),
    baselineAuc: baseline ? auc(baseline, test.labels) : null,
    baselineBrier: baseline ? brierScore(baseline, test.labels) : null,
    trainRows: train.labels.length,
    holdoutRows: test.labels.length,
    positiveRate: labels.length > 0 ? positives / labels.length : 0,
  };
  return { model: fitLogistic(features, labels, fitOptions), report };
}

function selectRows(
  features: Readonly<Record<string, Float64Array>>,
  labels: Float64Array,
  mask: Uint8Array,
  side: 0 | 1,
): { features: Record<string, Float64Array>; labels: Float64Array } {
  const out: Record<string, Float64Array> = {};
  for (const [name, col] of Object.entries(features)) out[name] = pick(col, mask, side);
  return { features: out, labels: pick(labels, mask, side) };
}

function pick(values: ArrayLike<number>, mask: Uint8Array, side: 0 | 1): Float64Array {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === side) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === side) out[k++] = values[i]!;
  return out;
}
