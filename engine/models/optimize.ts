/**
 * Unconstrained minimisation for the models' maximum-likelihood fits. Nelder–Mead finds the
 * basin robustly without derivatives (and tolerates non-finite values, which it treats as
 * +Infinity); BFGS with central-difference gradients then polishes to a tight optimum and
 * gives a gradient norm that tells whether the fit really converged. Callers parameterise
 * positive quantities on the log scale, so the search space is all of R^n.
 */

export type Objective = (x: Float64Array) => number;

export interface MinimizeResult {
  x: Float64Array;
  value: number;
  /** Function evaluations used, over all phases. */
  evaluations: number;
  /** Norm of the numerical gradient at the optimum. */
  gradientNorm: number;
  converged: boolean;
  /** Coordinates that ended on a bound (the optimum lies beyond it). */
  atBound: number[];
}

export interface MinimizeOptions {
  /** Fallback starting points, tried when the run from x0 does not converge. */
  starts?: readonly (readonly number[])[];
  /** Initial simplex edge length. */
  step?: number;
  /** Gradient-norm tolerance that counts as converged. */
  gradientTolerance?: number;
  /** Iteration cap of each Nelder–Mead run. */
  maxIterations?: number;
  /**
   * A box the answer must lie in. Likelihoods with a ridge (Pareto/NBD with little
   * heterogeneity in dropout sends s, β → ∞ together) are otherwise chased for thousands of
   * ever-slower evaluations; the box stops that at a value with the same predictions.
   */
  bounds?: { lower: readonly number[]; upper: readonly number[] };
}

/**
 * Minimises `f`: Nelder–Mead from `x0` to a loose tolerance, one Nelder–Mead restart from its
 * best point (a fresh simplex escapes premature collapse), then BFGS to a tight gradient. The
 * extra `starts` are tried the same way only if that does not converge, and the best wins.
 * @example
 * const r = minimize((p) => (p[0]! - 1) ** 2 + (p[1]! + 2) ** 2, [0, 0]);
 * // r.x ≈ [1, -2], r.converged === true
 */
export function minimize(f: Objective, x0: readonly number[], options: MinimizeOptions = {}): MinimizeResult {
  const step = options.step ?? 0.5;
  const maxIterations = options.maxIterations ?? 20_000;
  const gradientTolerance = options.gradientTolerance ?? 1e-6;
  let evaluations = 0;
  const box = options.bounds ? boxed(f, options.bounds.lower, options.bounds.upper) : null;
  const objective = box ? box.f : f;
  const counted: Objective = (x) => {
    evaluations++;
    const v = objective(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const fromStart = (start: readonly number[]): { x: Float64Array; value: number; gradientNorm: number } => {
    let best = nelderMead(counted, Float64Array.from(start), step, maxIterations);
    if (!Number.isFinite(best.value)) return { ...best, gradientNorm: Infinity };
    const restarted = nelderMead(counted, best.x, step / 5, maxIterations);
    if (restarted.value <= best.value) best = restarted;
    if (!box) {
      const polished = bfgs(counted, best.x, gradientTolerance, 200);
      if (polished.value <= best.value) best = polished;
      return { ...best, gradientNorm: norm(gradient(counted, best.x)) };
    }
    // Coordinates on a bound stay there and BFGS polishes the rest: across the bound's kink it would only stall.
    const onBound = box.snap(best.x);
    const polished = bfgsFree(counted, onBound, box.atBound(onBound), gradientTolerance);
    if (polished.value <= best.value) best = polished;
    const x = box.snap(best.x);
    return { x, value: f(x), gradientNorm: norm(box.projectedGradient(counted, x)) };
  };

  let best = fromStart(x0);
  for (const start of options.starts ?? []) {
    if (best.gradientNorm <= gradientTolerance) break;
    const r = fromStart(start);
    if (r.value < best.value) best = r;
  }
  const atBound = box ? box.atBound(best.x) : [];
  return { x: best.x, value: best.value, evaluations, gradientNorm: best.gradientNorm, converged: best.gradientNorm <= gradientTolerance, atBound };
}

/**
 * `f` restricted to a box: outside it, f at the nearest point in the box plus a steep
 * quadratic penalty, so Nelder–Mead and BFGS (both unconstrained) are pushed back and stop on
 * the bound. At a bound, only the gradient pointing into the box counts towards convergence.
 */
function boxed(f: Objective, lower: readonly number[], upper: readonly number[]) {
  const clamp = (x: Float64Array): Float64Array => x.map((v, i) => Math.min(upper[i]!, Math.max(lower[i]!, v)));
  const penalised: Objective = (x) => {
    const inside = clamp(x);
    let outside = 0;
    for (let i = 0; i < x.length; i++) outside += (x[i]! - inside[i]!) ** 2;
    return f(inside) + 1e3 * outside;
  };
  // Within 1e-3 of a bound (0.1 % on the log scale) counts as on it: the penalty leaves the
  // search hovering just inside, where the slope along a ridge is too shallow to call converged.
  const near = (v: number, bound: number): boolean => Math.abs(v - bound) <= 1e-3;
  const atBound = (x: Float64Array): number[] => {
    const out: number[] = [];
    for (let i = 0; i < x.length; i++) if (near(x[i]!, lower[i]!) || near(x[i]!, upper[i]!)) out.push(i);
    return out;
  };
  // On a bound only the slope into the box counts: a descent inward means the bound is not the optimum.
  const projectedGradient = (g: Objective, x: Float64Array): Float64Array => {
    const d = gradient(g, x);
    const probe = Float64Array.from(x);
    const here = g(x);
    for (const i of atBound(x)) {
      const h = (near(x[i]!, upper[i]!) ? -1 : 1) * 1e-5 * Math.max(1, Math.abs(x[i]!));
      probe[i] = x[i]! + h;
      const inward = (g(probe) - here) / Math.abs(h);
      probe[i] = x[i]!;
      d[i] = Math.min(0, inward);
    }
    return d;
  };
  /** Into the box, and onto a bound it is within tolerance of. */
  const snap = (x: Float64Array): Float64Array =>
    clamp(x).map((v, i) => (near(v, lower[i]!) ? lower[i]! : near(v, upper[i]!) ? upper[i]! : v));
  return { f: penalised, snap, atBound, projectedGradient };
}

/**
 * Central-difference gradient; steps scale with |x| so log-parameters of any size work.
 * @example gradient((p) => p[0]! ** 2, Float64Array.of(3))[0] // ≈ 6
 */
export function gradient(f: Objective, x: Float64Array): Float64Array {
  const g = new Float64Array(x.length);
  const probe = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const h = 1e-5 * Math.max(1, Math.abs(xi));
    probe[i] = xi + h;
    const up = f(probe);
    probe[i] = xi - h;
    const down = f(probe);
    probe[i] = xi;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/**
 * Central-difference Hessian (used for standard errors of fitted parameters).
 * @example hessian((p) => p[0]! ** 2 * p[1]!, Float64Array.of(1, 2)) // ≈ [[4, 2], [2, 0]]
 */
export function hessian(f: Objective, x: Float64Array): number[][] {
  const n = x.length;
  const h = Array.from(x, (xi) => 1e-4 * Math.max(1, Math.abs(xi)));
  const probe = Float64Array.from(x);
  const at = (i: number, di: number, j: number, dj: number): number => {
    probe.set(x);
    probe[i]! += di;
    probe[j]! += dj;
    return f(probe);
  };
  const out: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const hi = h[i]!;
      const hj = h[j]!;
      const v = (at(i, hi, j, hj) - at(i, hi, j, -hj) - at(i, -hi, j, hj) + at(i, -hi, j, -hj)) / (4 * hi * hj);
      out[i]![j] = v;
      out[j]![i] = v;
    }
  }
  return out;
}

function nelderMead(f: Objective, x0: Float64Array, step: number, maxIterations: number): { x: Float64Array; value: number } {
  const n = x0.length;
  const simplex: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from(x0);
    v[i]! += step;
    simplex.push(v);
  }
  const values = simplex.map(f);
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const trial = new Float64Array(n);
  const trial2 = new Float64Array(n);
  const towards = (out: Float64Array, from: Float64Array, coef: number): void => {
    for (let k = 0; k < n; k++) out[k] = centroid[k]! + coef * (from[k]! - centroid[k]!);
  };

  for (let iter = 0; iter < maxIterations; iter++) {
    order.sort((i, j) => values[i]! - values[j]!);
    const bestI = order[0]!;
    const worstI = order[n]!;
    const secondWorst = values[order[n - 1]!]!;
    const fBest = values[bestI]!;
    const fWorst = values[worstI]!;
    let size = 0;
    for (let i = 1; i <= n; i++) {
      for (let k = 0; k < n; k++) size = Math.max(size, Math.abs(simplex[order[i]!]![k]! - simplex[bestI]![k]!));
    }
    // Loose on purpose: Nelder–Mead only has to find the basin; BFGS does the fine work.
    if (Math.abs(fWorst - fBest) <= 1e-10 * (Math.abs(fBest) + 1e-10) && size < 1e-5) break;
    if (size < 1e-10) break;

    centroid.fill(0);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) centroid[k]! += simplex[order[i]!]![k]! / n;
    const worst = simplex[worstI]!;
    const accept = (point: Float64Array, value: number): void => {
      worst.set(point);
      values[worstI] = value;
    };
    towards(trial, worst, -1);
    const fr = f(trial);
    if (fr < fBest) {
      towards(trial2, worst, -2);
      const fe = f(trial2);
      if (fe < fr) accept(trial2, fe);
      else accept(trial, fr);
    } else if (fr < secondWorst) {
      accept(trial, fr);
    } else {
      // Contract towards the better of the worst point and its reflection.
      const outside = fr < fWorst;
      towards(trial2, worst, outside ? -0.5 : 0.5);
      const fc = f(trial2);
      if (fc < (outside ? fr : fWorst)) {
        accept(trial2, fc);
      } else {
        const b = simplex[bestI]!;
        for (const i of order.slice(1)) {
          const v = simplex[i]!;
          for (let k = 0; k < n; k++) v[k] = b[k]! + 0.5 * (v[k]! - b[k]!);
          values[i] = f(v);
        }
      }
    }
  }
  let bestI = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[bestI]!) bestI = i;
  return { x: simplex[bestI]!, value: values[bestI]! };
}

function bfgs(f: Objective, x0: Float64Array, tolerance: number, maxIterations: number): { x: Float64Array; value: number } {
  const n = x0.length;
  let x = Float64Array.from(x0);
  let fx = f(x);
  let g = gradient(f, x);
  // Inverse-Hessian approximation, starting from the identity.
  let H = identity(n);
  for (let iter = 0; iter < maxIterations && norm(g) > tolerance; iter++) {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i]! -= H[i]![j]! * g[j]!;
    let slope = dot(d, g);
    if (!(slope < 0)) {
      // Not a descent direction: reset to steepest descent.
      H = identity(n);
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      slope = dot(d, g);
    }
    // Backtracking line search with the Armijo condition.
    let t = 1;
    let xNew = new Float64Array(n);
    let fNew = Infinity;
    for (let k = 0; k < 50; k++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + t * d[i]!;
      fNew = f(xNew);
      if (fNew <= fx + 1e-4 * t * slope) break;
      t /= 2;
    }
    if (!(fNew <= fx)) break;
    const gNew = gradient(f, xNew);
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-14) H = bfgsUpdate(H, s, y, sy);
    const progress = fx - fNew;
    x = xNew;
    fx = fNew;
    g = gNew;
    if (progress === 0) break;
    xNew = new Float64Array(n);
  }
  return { x, value: fx };
}

/** BFGS over the coordinates not in `fixed`, the fixed ones held at their values in x0. */
function bfgsFree(f: Objective, x0: Float64Array, fixed: readonly number[], tolerance: number): { x: Float64Array; value: number } {
  if (fixed.length === 0) return bfgs(f, x0, tolerance, 200);
  const free = Array.from(x0.keys()).filter((i) => !fixed.includes(i));
  const embed = (z: Float64Array): Float64Array => {
    const x = Float64Array.from(x0);
    free.forEach((i, k) => (x[i] = z[k]!));
    return x;
  };
  const r = bfgs((z) => f(embed(z)), Float64Array.from(free, (i) => x0[i]!), tolerance, 200);
  return { x: embed(r.x), value: r.value };
}

function bfgsUpdate(H: number[][], s: Float64Array, y: Float64Array, sy: number): number[][] {
  const n = s.length;
  const rho = 1 / sy;
  const Hy = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Hy[i]! += H[i]![j]! * y[j]!;
  const yHy = dot(y, Hy);
  const out = identity(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i]![j] = H[i]![j]! - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!;
    }
  }
  return out;
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}
