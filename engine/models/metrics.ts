/**
 * Scores for probabilistic classifiers: AUC (ranking), Brier score (accuracy of the
 * probabilities) and a decile calibration table (are 30% predictions right 30% of the time?).
 */

/**
 * Area under the ROC curve via the Mann–Whitney statistic with mid-ranks, so tied scores
 * count one half. NaN when only one class is present.
 * @example auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) // => 0.75
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[i]! - scores[j]!);
  let positives = 0;
  let rankSum = 0;
  for (let k = 0; k < n; ) {
    let end = k;
    while (end + 1 < n && scores[order[end + 1]!] === scores[order[k]!]) end++;
    const midRank = (k + end) / 2 + 1;
    for (let m = k; m <= end; m++) {
      if (labels[order[m]!]! > 0) {
        positives++;
        rankSum += midRank;
      }
    }
    k = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Mean squared error of probabilities against 0/1 outcomes.
 * @example brierScore([0.9, 0.2], [1, 0]) // => 0.025
 */
export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < probabilities.length; i++) s += (probabilities[i]! - (labels[i]! > 0 ? 1 : 0)) ** 2;
  return s / probabilities.length;
}

export interface CalibrationBin {
  /** Bin number 1..bins, by ascending predicted probability. */
  bin: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/**
 * Calibration table: customers sorted by prediction, cut into equal-count bins (deciles by
 * default); each bin's mean prediction against its observed rate.
 * @example calibrationTable(p, y).map((b) => [b.meanPredicted, b.observedRate])
 */
export function calibrationTable(probabilities: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const n = probabilities.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => probabilities[i]! - probabilities[j]!);
  const table: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * n) / bins);
    const to = Math.floor(((b + 1) * n) / bins);
    if (to === from) continue;
    let p = 0;
    let y = 0;
    for (let k = from; k < to; k++) {
      p += probabilities[order[k]!]!;
      y += labels[order[k]!]! > 0 ? 1 : 0;
    }
    table.push({ bin: b + 1, count: to - from, meanPredicted: p / (to - from), observedRate: y / (to - from) });
  }
  return table;
}
