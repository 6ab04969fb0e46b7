import { createRng } from './rng.ts';

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

export interface AucInterval {
  auc: number;
  /** Percentile bootstrap interval (95 % by default). */
  low: number;
  high: number;
}

/**
 * AUC with a percentile bootstrap interval. Customers are resampled with replacement; each
 * resample's AUC is computed from one shared sort (weights = how often a row was drawn), so
 * a resample costs O(n), not O(n log n).
 * @example aucInterval(churn, lapsed, { resamples: 200, seed: 1 }) // => { auc: 0.79, low: 0.77, high: 0.81 }
 */
export function aucInterval(scores: ArrayLike<number>, labels: ArrayLike<number>, options: { resamples?: number; seed?: number; level?: number } = {}): AucInterval {
  const n = scores.length;
  const resamples = options.resamples ?? 200;
  const level = options.level ?? 0.95;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[i]! - scores[j]!);
  const weights = new Float64Array(n).fill(1);
  const weighted = (): number => {
    // Walk tie groups in ascending score: each positive beats the negatives below, ties count ½.
    let negativesBelow = 0;
    let positives = 0;
    let sum = 0;
    for (let k = 0; k < n; ) {
      let end = k;
      while (end + 1 < n && scores[order[end + 1]!] === scores[order[k]!]) end++;
      let pos = 0;
      let neg = 0;
      for (let m = k; m <= end; m++) {
        const i = order[m]!;
        if (labels[i]! > 0) pos += weights[i]!;
        else neg += weights[i]!;
      }
      sum += pos * (negativesBelow + neg / 2);
      positives += pos;
      negativesBelow += neg;
      k = end + 1;
    }
    return positives > 0 && negativesBelow > 0 ? sum / (positives * negativesBelow) : NaN;
  };
  const auc = weighted();
  const rng = createRng(options.seed ?? 1);
  const draws: number[] = [];
  for (let b = 0; b < resamples; b++) {
    weights.fill(0);
    for (let k = 0; k < n; k++) weights[rng.int(n)]! += 1;
    const v = weighted();
    if (!Number.isNaN(v)) draws.push(v);
  }
  draws.sort((a, b) => a - b);
  const at = (q: number): number => (draws.length === 0 ? NaN : draws[Math.min(draws.length - 1, Math.max(0, Math.round(q * (draws.length - 1))))]!);
  return { auc, low: at((1 - level) / 2), high: at((1 + level) / 2) };
}
