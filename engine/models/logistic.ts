import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { ForesightError } from '../core/errors.ts';
import { requireSameLength, requireScalar } from './validate.ts';

/**
 * L2-penalised logistic regression fitted by Newton's method (IRLS). Features are
 * standardised (mean 0, sd 1) so one penalty suits all of them; the intercept is not
 * penalised. Each Newton step solves (XᵀWX + λI′) Δ = Xᵀ(y − μ) − λβ′ by Cholesky; a step
 * that lowers the penalised likelihood is halved, so the iteration cannot diverge.
 */

export interface LogisticModel {
  names: readonly string[];
  /** Standardisation applied before the linear predictor. */
  mean: Float64Array;
  scale: Float64Array;
  intercept: number;
  /** Coefficients on the standardised scale (comparable effect sizes). */
  coef: Float64Array;
  lambda: number;
  iterations: number;
  converged: boolean;
}

export interface LogisticOptions {
  /** L2 penalty on standardised coefficients (default 1). */
  lambda?: number;
  maxIterations?: number;
  /** Convergence: largest coefficient change below this (default 1e-8). */
  tolerance?: number;
}

/**
 * Fits P(y = 1 | features) from feature columns (each of length n) and 0/1 labels.
 * @example
 * const model = fitLogistic({ recency: [1, 30, 2, 60], frequency: [5, 1, 4, 1] }, [1, 0, 1, 0]);
 * predictLogistic(model, { recency: [3], frequency: [3] })[0] // high probability
 */
export function fitLogistic(features: Readonly<Record<string, ArrayLike<number>>>, labels: ArrayLike<number>, options: LogisticOptions = {}): LogisticModel {
  const lambda = options.lambda ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-8;
  requireScalar('lambda', lambda, { min: 0 });
  const names = Object.keys(features);
  const columns = names.map((name) => features[name]!);
  const n = requireSameLength({ labels, ...features });
  if (n === 0) throw new ForesightError('invalid_model_input', 'logistic regression needs at least one row; check the training window', { field: 'labels' });
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new ForesightError('invalid_model_input', `labels[${i}] = ${labels[i]}; expected 0 or 1`, { field: `labels[${i}]` });
  }
  const p = names.length;
  const mean = new Float64Array(p);
  const scale = new Float64Array(p);
  const z = columns.map((col, j) => standardise(col, names[j]!, mean, scale, j));

  const beta = new Float64Array(p + 1);
  // Start at the base rate so the first step is already sensible.
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;
  const rate = Math.min(Math.max(positives / n, 1e-6), 1 - 1e-6);
  beta[0] = Math.log(rate / (1 - rate));
  let objective = penalisedLogLik(beta, z, labels, lambda);
  let iterations = 0;
  let converged = false;
  const k = p + 1;
  // Plain typed arrays in the row loop; a Matrix is built once per step for the solve.
  const hess = new Float64Array(k * k);
  const grad = new Float64Array(k);
  const row = new Float64Array(k);
  while (iterations < maxIterations && !converged) {
    iterations++;
    hess.fill(0);
    for (let a = 0; a < k; a++) {
      grad[a] = a === 0 ? 0 : -lambda * beta[a]!;
      if (a > 0) hess[a * k + a] = lambda;
    }
    for (let i = 0; i < n; i++) {
      row[0] = 1;
      for (let j = 0; j < p; j++) row[j + 1] = z[j]![i]!;
      const mu = sigmoid(dotRow(beta, row));
      const w = Math.max(mu * (1 - mu), 1e-12);
      const resid = labels[i]! - mu;
      for (let a = 0; a < k; a++) {
        const ra = row[a]!;
        grad[a]! += resid * ra;
        const wa = w * ra;
        for (let b = 0; b <= a; b++) hess[a * k + b]! += wa * row[b]!;
      }
    }
    const H = new Matrix(k, k);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b <= a; b++) {
        H.set(a, b, hess[a * k + b]!);
        H.set(b, a, hess[a * k + b]!);
      }
    }
    const g = Matrix.columnVector(Array.from(grad));
    const chol = new CholeskyDecomposition(H);
    if (!chol.isPositiveDefinite()) {
      throw new ForesightError('fit_failed', 'logistic regression: the information matrix is singular; add a penalty (lambda > 0) or drop constant features', { field: 'lambda' });
    }
    const step = chol.solve(g).to1DArray();
    let t = 1;
    const trial = new Float64Array(k);
    let trialObjective = -Infinity;
    for (let halvings = 0; halvings < 30; halvings++) {
      for (let a = 0; a < k; a++) trial[a] = beta[a]! + t * step[a]!;
      trialObjective = penalisedLogLik(trial, z, labels, lambda);
      if (trialObjective >= objective - 1e-12 * Math.abs(objective)) break;
      t /= 2;
    }
    let change = 0;
    for (let a = 0; a < k; a++) change = Math.max(change, Math.abs(trial[a]! - beta[a]!));
    beta.set(trial);
    objective = trialObjective;
    converged = change < tolerance;
  }
  return { names, mean, scale, intercept: beta[0]!, coef: beta.slice(1), lambda, iterations, converged };
}

/**
 * Probabilities for feature columns named as in the model.
 * @example predictLogistic(model, { recency: [3, 90], frequency: [3, 1] })
 */
export function predictLogistic(model: LogisticModel, features: Readonly<Record<string, ArrayLike<number>>>): Float64Array {
  const columns = model.names.map((name) => {
    const col = features[name];
    if (!col) throw new ForesightError('invalid_model_input', `feature "${name}" is missing; the model was fitted with ${model.names.join(', ')}`, { field: name });
    return col;
  });
  const n = columns[0]?.length ?? 0;
  const out = new Float64Array(n);
  const row = new Float64Array(columns.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < columns.length; j++) row[j] = columns[j]![i]!;
    out[i] = predictLogisticRow(model, row);
  }
  return out;
}

/**
 * Probability for one row of raw feature values, in the order of `model.names` — for
 * scoring millions of rows without materialising feature columns.
 * @example predictLogisticRow(model, [3, 3])
 */
export function predictLogisticRow(model: LogisticModel, row: ArrayLike<number>): number {
  let eta = model.intercept;
  for (let j = 0; j < model.coef.length; j++) eta += (model.coef[j]! * (row[j]! - model.mean[j]!)) / model.scale[j]!;
  return sigmoid(eta);
}

function standardise(col: ArrayLike<number>, name: string, mean: Float64Array, scale: Float64Array, j: number): Float64Array {
  const n = col.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = col[i]!;
    if (!Number.isFinite(v)) throw new ForesightError('invalid_model_input', `${name}[${i}] = ${v}; features must be finite numbers`, { field: `${name}[${i}]` });
    s += v;
  }
  const m = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (col[i]! - m) ** 2;
  const sd = Math.sqrt(ss / n);
  // A constant column keeps scale 1: its coefficient is then held at 0 by the penalty.
  mean[j] = m;
  scale[j] = sd > 1e-12 ? sd : 1;
  return Float64Array.from(col, (v) => (v - m) / scale[j]!);
}

function penalisedLogLik(beta: Float64Array, z: Float64Array[], labels: ArrayLike<number>, lambda: number): number {
  const n = labels.length;
  let ll = 0;
  for (let i = 0; i < n; i++) {
    let eta = beta[0]!;
    for (let j = 0; j < z.length; j++) eta += beta[j + 1]! * z[j]![i]!;
    // log σ(η) and log(1 − σ(η)) via softplus, stable for large |η|.
    ll -= labels[i]! > 0 ? softplus(-eta) : softplus(eta);
  }
  let penalty = 0;
  for (let a = 1; a < beta.length; a++) penalty += beta[a]! ** 2;
  return ll - (lambda / 2) * penalty;
}

function dotRow(beta: Float64Array, row: Float64Array): number {
  let s = 0;
  for (let a = 0; a < beta.length; a++) s += beta[a]! * row[a]!;
  return s;
}

function sigmoid(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}

function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}
