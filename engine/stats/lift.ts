import jStat from 'jstat';

/**
 * Incremental lift of a journey or a message: treated customers against a held-out group
 * that got nothing, over the same window. Pure functions over per-group sums, so the
 * storage layer can aggregate and a test can check every figure by hand.
 */

/** What one group (treated or held out) did within its measurement window. */
export interface GroupOutcome {
  customers: number;
  /** Customers who reached the goal within the window. */
  conversions: number;
  /** Sum of each customer's revenue within the window. */
  revenue: number;
  /** Sum of each customer's squared revenue (for the variance). */
  revenueSquares: number;
}

/** A difference treated − held out, absolute and relative (0.25 = +25 %), with 95 % intervals. */
export interface Estimate {
  treated: number;
  holdout: number;
  absolute: number;
  absoluteCi95: [number, number];
  relative: number | null;
  relativeCi95: [number, number] | null;
  /** The absolute interval excludes 0. */
  significant: boolean;
}

export interface SampleSize {
  /** Minimum detectable effect, relative to the held-out conversion rate (0.1 = 10 %). */
  mde: number;
  alpha: number;
  power: number;
  /** Customers each group needs at the current split to detect `mde`. */
  required: { treated: number; holdout: number };
  /** More customers (both groups together) to enrol before the test can detect `mde`; 0 when reached. */
  remaining: number;
}

export interface LiftReport {
  /** `not enough data` until both groups can carry a normal approximation (see `reasons`). */
  status: 'ok' | 'not enough data';
  reasons: string[];
  treated: GroupView;
  holdout: GroupView;
  /** Conversion rate difference (two-proportion, unpooled); null while not enough data. */
  conversion: Estimate | null;
  /** Revenue per customer difference (Welch); null while not enough data. */
  revenuePerCustomer: (Estimate & { df: number }) | null;
  /** Revenue the treated group earned because it was treated: the per-customer difference × treated customers. */
  incrementalRevenue: { value: number; ci95: [number, number] } | null;
  /** Null while the held-out group has no conversion to plan from. */
  sampleSize: SampleSize | null;
}

export interface GroupView {
  customers: number;
  conversions: number;
  conversionRate: number | null;
  revenue: number;
  revenuePerCustomer: number | null;
}

export interface LiftOptions {
  /** Minimum detectable effect, relative (default 0.10 = 10 %). */
  mde?: number;
  alpha?: number;
  power?: number;
}

/** Below this many customers a group's mean is not trusted to be roughly normal. */
export const MIN_CUSTOMERS = 30;
/** The usual rule for the normal approximation of a proportion: at least this many successes and failures. */
export const MIN_EVENTS = 5;

const zQuantile = (p: number) => jStat.normal.inv(p, 0, 1);

function view(g: GroupOutcome): GroupView {
  return {
    customers: g.customers,
    conversions: g.conversions,
    conversionRate: g.customers ? g.conversions / g.customers : null,
    revenue: g.revenue,
    revenuePerCustomer: g.customers ? g.revenue / g.customers : null,
  };
}

/** Why a group cannot carry the comparison yet; empty when it can. */
function shortfalls(name: string, g: GroupOutcome): string[] {
  const out: string[] = [];
  if (g.customers < MIN_CUSTOMERS) out.push(`${name}: ${g.customers} customers, at least ${MIN_CUSTOMERS} needed`);
  if (g.conversions < MIN_EVENTS) out.push(`${name}: ${g.conversions} conversions, at least ${MIN_EVENTS} needed`);
  if (g.customers - g.conversions < MIN_EVENTS) out.push(`${name}: ${g.customers - g.conversions} customers without a conversion, at least ${MIN_EVENTS} needed`);
  return out;
}

/**
 * Two-proportion comparison: Wald interval of pT − pC with the unpooled standard error;
 * relative lift pT/pC − 1 with the log risk-ratio (Katz) interval.
 */
export function conversionLift(t: GroupOutcome, c: GroupOutcome, alpha = 0.05): Estimate {
  const z = zQuantile(1 - alpha / 2);
  const pT = t.conversions / t.customers;
  const pC = c.conversions / c.customers;
  const diff = pT - pC;
  const se = Math.sqrt((pT * (1 - pT)) / t.customers + (pC * (1 - pC)) / c.customers);
  const absoluteCi95: [number, number] = [diff - z * se, diff + z * se];
  let relative: number | null = null;
  let relativeCi95: [number, number] | null = null;
  if (t.conversions > 0 && c.conversions > 0) {
    const logRatio = Math.log(pT / pC);
    const seLog = Math.sqrt(1 / t.conversions - 1 / t.customers + 1 / c.conversions - 1 / c.customers);
    relative = pT / pC - 1;
    relativeCi95 = [Math.exp(logRatio - z * seLog) - 1, Math.exp(logRatio + z * seLog) - 1];
  }
  return { treated: pT, holdout: pC, absolute: diff, absoluteCi95, relative, relativeCi95, significant: absoluteCi95[0] > 0 || absoluteCi95[1] < 0 };
}

/** Sample mean and variance (n − 1) from a group's sums. */
function moments(g: GroupOutcome): { mean: number; variance: number } {
  const mean = g.revenue / g.customers;
  const variance = Math.max(0, (g.revenueSquares - g.customers * mean * mean) / (g.customers - 1));
  return { mean, variance };
}

/**
 * Welch's t interval for the difference in revenue per customer (unequal variances,
 * Welch–Satterthwaite degrees of freedom); relative lift mT/mC − 1 with a delta-method
 * interval. Null when neither group's revenue varies (nothing to estimate from).
 */
export function revenueLift(t: GroupOutcome, c: GroupOutcome, alpha = 0.05): (Estimate & { df: number }) | null {
  const a = moments(t);
  const b = moments(c);
  const vt = a.variance / t.customers;
  const vc = b.variance / c.customers;
  const se = Math.sqrt(vt + vc);
  if (!(se > 0)) return null;
  const df = (vt + vc) ** 2 / (vt ** 2 / (t.customers - 1) + vc ** 2 / (c.customers - 1));
  const q = jStat.studentt.inv(1 - alpha / 2, df);
  const diff = a.mean - b.mean;
  const absoluteCi95: [number, number] = [diff - q * se, diff + q * se];
  let relative: number | null = null;
  let relativeCi95: [number, number] | null = null;
  if (a.mean > 0 && b.mean > 0) {
    relative = a.mean / b.mean - 1;
    const seRel = (a.mean / b.mean) * Math.sqrt(vt / a.mean ** 2 + vc / b.mean ** 2);
    relativeCi95 = [relative - q * seRel, relative + q * seRel];
  }
  return { treated: a.mean, holdout: b.mean, absolute: diff, absoluteCi95, relative, relativeCi95, significant: absoluteCi95[0] > 0 || absoluteCi95[1] < 0, df };
}

/**
 * Customers per group to detect a relative change `mde` of the held-out rate `p`, two-sided,
 * with `ratio` treated per held-out customer (Fleiss' formula for unequal groups).
 */
export function requiredSampleSize(p: number, ratio: number, opts: Required<LiftOptions>): { treated: number; holdout: number } {
  const p2 = Math.min(1, p * (1 + opts.mde));
  const delta = p2 - p;
  const pBar = (p + ratio * p2) / (1 + ratio);
  const za = zQuantile(1 - opts.alpha / 2);
  const zb = zQuantile(opts.power);
  const holdout = (za * Math.sqrt(pBar * (1 - pBar) * (1 + 1 / ratio)) + zb * Math.sqrt(p * (1 - p) + (p2 * (1 - p2)) / ratio)) ** 2 / delta ** 2;
  return { holdout: Math.ceil(holdout), treated: Math.ceil(holdout * ratio) };
}

/** The full report for one treated group against its held-out group. */
export function liftReport(treated: GroupOutcome, holdout: GroupOutcome, opts: LiftOptions = {}): LiftReport {
  const o: Required<LiftOptions> = { mde: opts.mde ?? 0.1, alpha: opts.alpha ?? 0.05, power: opts.power ?? 0.8 };
  const reasons = [...shortfalls('treated', treated), ...shortfalls('held out', holdout)];
  const enough = reasons.length === 0;
  const conversion = enough ? conversionLift(treated, holdout, o.alpha) : null;
  const revenue = enough ? revenueLift(treated, holdout, o.alpha) : null;
  let sampleSize: SampleSize | null = null;
  if (treated.customers > 0 && holdout.customers > 0 && holdout.conversions > 0 && holdout.conversions < holdout.customers) {
    const required = requiredSampleSize(holdout.conversions / holdout.customers, treated.customers / holdout.customers, o);
    const remaining = Math.max(0, required.treated + required.holdout - treated.customers - holdout.customers);
    sampleSize = { mde: o.mde, alpha: o.alpha, power: o.power, required, remaining };
  }
  return {
    status: enough ? 'ok' : 'not enough data',
    reasons,
    treated: view(treated),
    holdout: view(holdout),
    conversion,
    revenuePerCustomer: revenue,
    incrementalRevenue: revenue ? { value: revenue.absolute * treated.customers, ci95: [revenue.absoluteCi95[0] * treated.customers, revenue.absoluteCi95[1] * treated.customers] } : null,
    sampleSize,
  };
}

/** Sums one group's per-customer outcomes into a {@link GroupOutcome}. */
export function summarize(customers: readonly { converted: boolean; revenue: number }[]): GroupOutcome {
  const g: GroupOutcome = { customers: 0, conversions: 0, revenue: 0, revenueSquares: 0 };
  for (const c of customers) {
    g.customers++;
    if (c.converted) g.conversions++;
    g.revenue += c.revenue;
    g.revenueSquares += c.revenue * c.revenue;
  }
  return g;
}
