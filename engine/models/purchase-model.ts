import { ForesightError } from '../core/errors.ts';
import { type BgnbdData, type BgnbdFit, expectedPurchases, pAlive, probabilityNoPurchase } from './bgnbd.ts';
import { compressRows } from './compress.ts';
import { minimize } from './optimize.ts';
import { requirePurchaseData } from './validate.ts';

/**
 * The purchase models behind every score (BG/NBD, Pareto/NBD, MBG/NBD) behind one shape, so
 * churn, next purchase, CLV and the evaluation work with whichever the data favours. All
 * three take a customer's x repeat purchases, recency t_x and age T (one time unit).
 */

export type PurchaseModelName = 'bgnbd' | 'pareto-nbd' | 'mbgnbd';
export const PURCHASE_MODELS: readonly PurchaseModelName[] = ['bgnbd', 'pareto-nbd', 'mbgnbd'];

export interface PurchaseModel {
  name: PurchaseModelName;
  params: Record<string, number>;
  logLik: number;
  /** Number of customers fitted (sum of weights). */
  customers: number;
  converged: boolean;
  /** Parameters that stopped on the edge of the search space (the data cannot pin them down). */
  atBound: string[];
  /** P(still alive at T | x, t_x, T). */
  pAlive(x: number, tx: number, T: number): number;
  /** Expected purchases in (T, T + t] given the history. */
  expectedPurchases(x: number, tx: number, T: number, t: number): number;
  /** P(no purchase in (T, T + t] | history). */
  probabilityNoPurchase(x: number, tx: number, T: number, t: number): number;
}

/**
 * The fitted BG/NBD as a PurchaseModel.
 * @example bgnbdModel(fitBgnbd(data)).probabilityNoPurchase(0, 0, 38.86, 13)
 */
export function bgnbdModel(fit: FittedParams<BgnbdFit['params']>): PurchaseModel {
  const p = fit.params;
  return asPurchaseModel('bgnbd', fit, {
    pAlive: (x, tx, T) => pAlive(p, x, tx, T),
    expectedPurchases: (x, tx, T, t) => expectedPurchases(p, x, tx, T, t),
    probabilityNoPurchase: (x, tx, T, t) => probabilityNoPurchase(p, x, tx, T, t),
  });
}

/** What a maximum-likelihood fit returns. */
export interface FittedParams<P> {
  params: P;
  logLik: number;
  customers: number;
  converged: boolean;
  /** Parameters that stopped on the edge of their search space (the data cannot pin them down). */
  atBound?: string[];
  /** Likelihood evaluations the search used. */
  evaluations?: number;
}

/**
 * A fit plus its three functions as a PurchaseModel.
 * @example asPurchaseModel('mbgnbd', fit, { pAlive, expectedPurchases, probabilityNoPurchase })
 */
export function asPurchaseModel<P extends object>(
  name: PurchaseModelName,
  fit: FittedParams<P>,
  f: Pick<PurchaseModel, 'pAlive' | 'expectedPurchases' | 'probabilityNoPurchase'>,
): PurchaseModel {
  return { name, params: { ...(fit.params as Record<string, number>) }, logLik: fit.logLik, customers: fit.customers, converged: fit.converged, atBound: fit.atBound ?? [], ...f };
}

/**
 * A likelihood-defined model (Pareto/NBD, MBG/NBD) as a PurchaseModel: its closed forms for
 * P(alive) and expected purchases, and P(no purchase in t) from its likelihood.
 * @example likelihoodModel('mbgnbd', fit, { pAlive: mbgnbdPAlive, expectedPurchases: mbgnbdExpectedPurchases, rowLogLik: mbgnbdRowLogLik })
 */
export function likelihoodModel<P extends object>(
  name: PurchaseModelName,
  fit: FittedParams<P>,
  f: { pAlive(p: P, x: number, tx: number, T: number): number; expectedPurchases(p: P, x: number, tx: number, T: number, t: number): number; rowLogLik: RowLogLikelihood<P> },
): PurchaseModel {
  const p = fit.params;
  return asPurchaseModel(name, fit, {
    pAlive: (x, tx, T) => f.pAlive(p, x, tx, T),
    expectedPurchases: (x, tx, T, t) => f.expectedPurchases(p, x, tx, T, t),
    probabilityNoPurchase: silenceProbability(f.rowLogLik, p),
  });
}

/** One customer's log-likelihood of (x, t_x, T) under named parameters. */
export type RowLogLikelihood<P> = (params: P, x: number, tx: number, T: number) => number;

/** Where a likelihood search starts and the box it stays in, on the natural scale. */
export interface SearchSpace {
  start: readonly number[];
  lower: readonly number[];
  upper: readonly number[];
}

/**
 * The search space of a four-parameter purchase model [rate shape, rate scale, dropout shape,
 * dropout scale]: shapes in [1e-3, 1e3] (a gamma of shape 1e3 is already near-constant) and
 * scales within 1e4 of the mean customer age either way, so a fit never runs along a ridge to
 * infinity.
 */
export function purchaseSearchSpace(start: readonly number[], meanT: number, dropoutScaled: boolean): SearchSpace {
  const age = Math.max(meanT, 1e-3);
  const shape = [1e-3, 1e3];
  const scale = [age * 1e-4, age * 1e4];
  const box = [shape, scale, shape, dropoutScaled ? scale : shape] as [number, number][];
  return {
    start: start.map((v, i) => Math.min(box[i]![1], Math.max(box[i]![0], v))),
    lower: box.map((b) => b[0]),
    upper: box.map((b) => b[1]),
  };
}

/** Mean customer age T (the scale the search space is set on); 1 for no customers. */
export function meanAge(data: BgnbdData): number {
  let s = 0;
  for (let i = 0; i < data.T.length; i++) s += data.T[i]!;
  return data.T.length > 0 ? s / data.T.length : 1;
}

/** Nelder–Mead iterations per run for these fits: a good start needs a few hundred; more only walks a ridge. */
const FIT_ITERATIONS = 600;

/**
 * Maximum likelihood on log-parameters for a model given by its per-customer log-likelihood
 * (identical rows are grouped first), inside `space`. Returns the parameters, total
 * log-likelihood, customers and which parameters stopped on a bound.
 * @example fitByLikelihood('Pareto/NBD', data, ['r', 'alpha', 's', 'beta'], paretoRowLogLik, purchaseSearchSpace([0.5, 5, 1, 20], 30, true))
 */
export function fitByLikelihood<P extends Record<string, number>>(
  label: string,
  data: BgnbdData,
  names: readonly (keyof P & string)[],
  rowLogLik: RowLogLikelihood<P>,
  space: SearchSpace,
): FittedParams<P> {
  requirePurchaseData(data);
  const rows = compressRows([data.x, data.tx, data.T], data.weight);
  const [x, tx, T] = rows.columns as [Float64Array, Float64Array, Float64Array];
  let customers = 0;
  for (const w of rows.weight) customers += w;
  if (customers === 0) throw new ForesightError('no_customers', `${label} fit needs at least one customer; check the orders and the calibration end`, { field: 'x' });
  const toParams = (theta: ArrayLike<number>): P => Object.fromEntries(names.map((n, i) => [n, Math.exp(theta[i]!)])) as P;
  const total = (theta: ArrayLike<number>): number => {
    const p = toParams(theta);
    let ll = 0;
    for (let i = 0; i < rows.weight.length; i++) ll += rows.weight[i]! * rowLogLik(p, x[i]!, tx[i]!, T[i]!);
    return ll;
  };
  const result = minimize((theta) => -total(theta) / customers, space.start.map(Math.log), {
    bounds: { lower: space.lower.map(Math.log), upper: space.upper.map(Math.log) },
    maxIterations: FIT_ITERATIONS,
  });
  const logLik = total(result.x);
  if (!Number.isFinite(logLik)) {
    throw new ForesightError('fit_failed', `${label} fit did not find finite parameters; the data may hold too few repeat purchases`, { field: 'x' });
  }
  return { params: toParams(result.x), logLik, customers, converged: result.converged, atBound: result.atBound.map((i) => names[i]!), evaluations: result.evaluations };
}

/** ln(e^u + e^v), exact for −Infinity arguments. */
export function logAddExp(u: number, v: number): number {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  const m = Math.max(u, v);
  return m + Math.log1p(Math.exp(-Math.abs(u - v)));
}

/**
 * P(no purchase in (T, T + t] | history) as a likelihood ratio: these models' likelihood of a
 * history is the probability of it *and* of silence until T, so L(T + t) / L(T) is exact.
 * The returned function remembers L(T) of the last customer, as callers ask one customer
 * for many t in a row (quantile searches).
 */
export function silenceProbability<P>(rowLogLik: RowLogLikelihood<P>, p: P): (x: number, tx: number, T: number, t: number) => number {
  let key = [NaN, NaN, NaN];
  let now = 0;
  return (x, tx, T, t) => {
    if (t <= 0) return 1;
    if (key[0] !== x || key[1] !== tx || key[2] !== T) {
      key = [x, tx, T];
      now = rowLogLik(p, x, tx, T);
    }
    return Math.min(1, Math.exp(rowLogLik(p, x, tx, T + t) - now));
  };
}
