import { ForesightError } from '../core/errors.ts';
import { type BgnbdData, type BgnbdFit, fitBgnbd } from './bgnbd.ts';
import { featuresAt, type OrderIndex, purchaseDaysBetween } from './features.ts';
import { fitMbgnbd, mbgnbdModel } from './mbgnbd.ts';
import { fitParetoNbd, paretoNbdModel } from './pareto-nbd.ts';
import { bgnbdModel, PURCHASE_MODELS, type PurchaseModel, type PurchaseModelName } from './purchase-model.ts';
import { sampleRows, takeRows } from './rows.ts';
import { dateOfDay, daysPerUnit, MS_PER_DAY } from './time.ts';
import type { TimeUnit } from './types.ts';

/**
 * Which purchase model to trust is decided by evidence out of time: every candidate is fitted
 * on the history up to an inner cut (as-of − holdout), asked for each customer's purchases in
 * (cut, as-of], and the one with the smallest mean absolute error per customer wins (ties go
 * to the earlier, simpler model in PURCHASE_MODELS). The winner is then refitted on everything
 * up to the as-of date. Too little history for an inner holdout keeps BG/NBD and says so.
 */

export interface ModelCandidate {
  name: PurchaseModelName;
  params: Record<string, number>;
  logLik: number;
  converged: boolean;
  /** Parameters that stopped on the edge of the search space. */
  atBound: string[];
  /** Mean absolute error of predicted vs actual purchases per customer in the inner holdout. */
  holdoutMae: number;
}

export interface ModelSelection {
  chosen: PurchaseModelName;
  reason: string;
  /** When the comparison was made (ISO day; a kept choice keeps its date); null when none has been made yet. */
  decidedAt: string | null;
  /** Last day of the inner calibration (ISO) and the holdout length; null when not run. */
  cut: string | null;
  holdoutDays: number;
  customers: number;
  candidates: ModelCandidate[];
}

export interface SelectOptions {
  /** A recent selection to keep instead of comparing again (its model is refitted). */
  keptSelection?: ModelSelection;
  /**
   * false: do not compare now — keep `keptSelection`, or BG/NBD until a comparison is made
   * (start-up scoring must not wait for the slower models' fits). Default true.
   */
  compare?: boolean;
  /** Buyers each candidate is fitted on in the comparison at most (default 1,000; an evenly spaced sample); the error is measured on all. */
  compareSampleSize?: number;
  /** Inner holdout in days (default a third of the history, between 28 and 180 days). */
  holdoutDays?: number;
  candidates?: readonly PurchaseModelName[];
  /** Buyers each fit uses at most (an evenly spaced sample). */
  fitSampleSize?: number;
  /** Fewest buyers at the inner cut for a comparison (default 200). */
  minCustomers?: number;
}

/**
 * Fits a purchase model by name; `bgnbd` is the BG/NBD fit on the same data when the caller
 * has it (the other models start their search from it).
 * @example fitPurchaseModel('pareto-nbd', { x, tx, T }).pAlive(2, 30, 38)
 */
export function fitPurchaseModel(name: PurchaseModelName, data: BgnbdData, bgnbd?: BgnbdFit): PurchaseModel {
  if (name === 'bgnbd') return bgnbdModel(bgnbd ?? fitBgnbd(data));
  if (name === 'pareto-nbd') return paretoNbdModel(fitParetoNbd(data, bgnbd?.params));
  if (name === 'mbgnbd') return mbgnbdModel(fitMbgnbd(data, bgnbd?.params));
  throw new ForesightError('invalid_input', `purchase model "${String(name)}": use one of ${PURCHASE_MODELS.join(', ')}`, { field: 'model' });
}

/**
 * Chooses among the candidates by an inner time-based holdout and fits the winner up to `asOf`.
 * `bgnbd` is the BG/NBD fit at `asOf` when the caller already has it.
 * @example const { model, selection } = selectPurchaseModel(index, asOf, 'week'); selection.reason
 */
export function selectPurchaseModel(
  index: OrderIndex,
  asOf: Date,
  timeUnit: TimeUnit,
  options: SelectOptions & { bgnbd?: BgnbdFit } = {},
): { model: PurchaseModel; selection: ModelSelection } {
  const decidedAt = iso(asOf);
  const candidates = options.candidates ?? PURCHASE_MODELS;
  const cap = options.fitSampleSize ?? 50_000;
  const full = featuresAt(index, asOf, timeUnit);
  const fullRows = sampleRows(full.buyers, cap);
  const fullData = { x: takeRows(full.x, fullRows), tx: takeRows(full.tx, fullRows), T: takeRows(full.T, fullRows) };
  let firstDay = Infinity;
  for (let i = 0; i < full.buyers; i++) firstDay = Math.min(firstDay, full.firstDay[i]!);
  const span = full.cutoffDay - firstDay;
  const holdoutDays = Math.round(options.holdoutDays ?? Math.min(180, Math.max(28, span / 3)));
  const keep = (reason: string, cut: string | null, customers: number, scored: ModelCandidate[] = []): { model: PurchaseModel; selection: ModelSelection } => ({
    model: fitPurchaseModel('bgnbd', fullData, options.bgnbd),
    selection: { chosen: 'bgnbd', reason, decidedAt, cut, holdoutDays, customers, candidates: scored },
  });
  if (options.keptSelection) {
    const kept = options.keptSelection;
    const prefix = `kept from ${kept.decidedAt}: `;
    const reason = kept.reason.startsWith(prefix) ? kept.reason : prefix + kept.reason;
    return { model: fitPurchaseModel(kept.chosen, fullData, options.bgnbd), selection: { ...kept, reason } };
  }
  if (options.compare === false) {
    return { model: fitPurchaseModel('bgnbd', fullData, options.bgnbd), selection: { chosen: 'bgnbd', reason: 'BG/NBD until the first comparison of the purchase models', decidedAt: null, cut: null, holdoutDays: 0, customers: 0, candidates: [] } };
  }
  if (candidates.length === 1) {
    return { model: fitPurchaseModel(candidates[0]!, fullData, options.bgnbd), selection: { chosen: candidates[0]!, reason: 'the only candidate', decidedAt, cut: null, holdoutDays, customers: 0, candidates: [] } };
  }
  const cutDay = full.cutoffDay - holdoutDays;
  const cut = dateOfDay(cutDay);
  const inner = featuresAt(index, cut, timeUnit);
  if (holdoutDays >= span || inner.buyers < (options.minCustomers ?? 200)) {
    return keep(`BG/NBD kept: ${inner.buyers} buyers before ${iso(cut)} are too few for a ${holdoutDays}-day holdout comparison`, iso(cut), inner.buyers);
  }
  // Fitted on a sample (the slower models' likelihoods cost ~100× BG/NBD's), judged on every buyer.
  const fitRows = sampleRows(inner.buyers, Math.min(cap, options.compareSampleSize ?? 1000));
  const data = { x: takeRows(inner.x, fitRows), tx: takeRows(inner.tx, fitRows), T: takeRows(inner.T, fitRows) };
  const rows = sampleRows(inner.buyers, cap);
  const judged = { x: takeRows(inner.x, rows), tx: takeRows(inner.tx, rows), T: takeRows(inner.T, rows) };
  const actual = takeRows(purchaseDaysBetween(index, inner, cutDay, full.cutoffDay), rows);
  const window = holdoutDays / daysPerUnit(timeUnit);
  const scored: ModelCandidate[] = [];
  let innerBgnbd: BgnbdFit | undefined;
  for (const name of candidates) {
    let model: PurchaseModel;
    try {
      innerBgnbd ??= fitBgnbd(data);
      model = fitPurchaseModel(name, data, innerBgnbd);
    } catch (err) {
      if (err instanceof ForesightError) continue;
      throw err;
    }
    let error = 0;
    for (let i = 0; i < rows.length; i++) error += Math.abs(model.expectedPurchases(judged.x[i]!, judged.tx[i]!, judged.T[i]!, window) - actual[i]!);
    scored.push({ name, params: model.params, logLik: model.logLik, converged: model.converged, atBound: model.atBound, holdoutMae: error / rows.length });
  }
  if (scored.length === 0) return keep('BG/NBD kept: no candidate could be fitted at the inner cut', iso(cut), rows.length);
  const best = scored.reduce((a, b) => (b.holdoutMae < a.holdoutMae ? b : a));
  const ranking = scored.map((c) => `${c.name} ${c.holdoutMae.toFixed(4)}`).join(', ');
  const sample = fitRows.length < rows.length ? `, each on ${fitRows.length} of the ${rows.length} buyers` : '';
  const reason = `lowest mean absolute error of purchases per customer in the ${holdoutDays} days after ${iso(cut)} (fitted before${sample}): ${ranking}`;
  const model = fitPurchaseModel(best.name, fullData, options.bgnbd);
  return { model, selection: { chosen: best.name, reason, decidedAt, cut: iso(cut), holdoutDays, customers: rows.length, candidates: scored } };
}

function iso(d: Date): string {
  return new Date(Math.floor(d.getTime() / MS_PER_DAY) * MS_PER_DAY).toISOString().slice(0, 10);
}
