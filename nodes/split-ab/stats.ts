/// <reference path="../../engine/types/jstat.d.ts" />
import jStat from 'jstat';

/** z for a two-sided 95% interval: the 0.975 quantile of the standard normal. */
export const Z95 = 1.959963984540054;

// ---------------------------------------------------------------- sampling

/** A standard normal draw from two uniforms (Box–Muller). */
function normalSample(random: () => number): number {
  let u = random();
  while (u <= 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shapes below 1 use the U^(1/a) boost. */
export function gammaSample(shape: number, random: () => number): number {
  if (!(shape > 0)) throw new RangeError(`gammaSample: shape must be positive, got ${shape}`);
  if (shape < 1) {
    let u = random();
    while (u <= 0) u = random();
    return gammaSample(shape + 1, random) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalSample(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function betaSample(a: number, b: number, random: () => number): number {
  const x = gammaSample(a, random);
  const y = gammaSample(b, random);
  return x / (x + y);
}

// ---------------------------------------------------------------- allocation

export interface Arm {
  name: string;
  /** Customers assigned to the arm. */
  runs: number;
  /** Of those, how many converted. */
  conversions: number;
}

/**
 * Thompson-sampling allocation: the share of posterior draws (Beta(1+conv, 1+runs−conv)
 * per arm) in which each arm has the highest rate, then mixed with a floor so every arm
 * keeps at least `floor` of the traffic. Weights sum to 1.
 */
export function thompsonWeights(arms: readonly Arm[], opts: { floor?: number; draws?: number; random: () => number }): Record<string, number> {
  const floor = opts.floor ?? 0.05;
  const draws = opts.draws ?? 1000;
  if (arms.length === 0) return {};
  if (floor < 0 || floor * arms.length > 1) throw new RangeError(`thompsonWeights: floor ${floor} is impossible for ${arms.length} arms`);
  const wins = arms.map(() => 0);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let bestValue = -1;
    arms.forEach((a, i) => {
      const conv = Math.min(Math.max(a.conversions, 0), a.runs);
      const v = betaSample(1 + conv, 1 + a.runs - conv, opts.random);
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    });
    wins[best]!++;
  }
  const free = 1 - floor * arms.length;
  const out: Record<string, number> = {};
  arms.forEach((a, i) => (out[a.name] = floor + free * (wins[i]! / draws)));
  return out;
}

// ---------------------------------------------------------------- comparison

/** Standard normal CDF (jstat). */
export function normalCdf(z: number): number {
  return jStat.normal.cdf(z, 0, 1);
}

/** Two-proportion z-test with the pooled rate; p is exact two-sided from the normal CDF. */
export function twoProportionZ(convA: number, nA: number, convB: number, nB: number): { z: number; p: number } {
  if (nA <= 0 || nB <= 0) return { z: NaN, p: NaN };
  const pooled = (convA + convB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  if (se === 0) return { z: 0, p: 1 };
  const z = (convB / nB - convA / nA) / se;
  return { z, p: 2 * (1 - normalCdf(Math.abs(z))) };
}

/** Wald 95% interval for rate(B) − rate(A) (unpooled standard error). */
export function waldDiffCi(convA: number, nA: number, convB: number, nB: number, z = Z95): [number, number] {
  if (nA <= 0 || nB <= 0) return [NaN, NaN];
  const pa = convA / nA;
  const pb = convB / nB;
  const se = Math.sqrt((pa * (1 - pa)) / nA + (pb * (1 - pb)) / nB);
  return [pb - pa - z * se, pb - pa + z * se];
}

/**
 * P(rate B > rate A) with Beta(1+conv, 1+n−conv) posteriors, exactly: the closed-form sum
 * for an integer first parameter of B (Evan Miller, "Formulas for Bayesian A/B testing").
 */
export function probabilityToBeat(convA: number, nA: number, convB: number, nB: number): number {
  const aA = 1 + convA;
  const bA = 1 + nA - convA;
  const aB = 1 + convB;
  const bB = 1 + nB - convB;
  let total = 0;
  for (let i = 0; i < aB; i++) {
    total += Math.exp(jStat.betaln(aA + i, bA + bB) - Math.log(bB + i) - jStat.betaln(1 + i, bB) - jStat.betaln(aA, bA));
  }
  return Math.min(1, Math.max(0, total));
}

export interface VariantStats {
  variant: string;
  isControl: boolean;
  runs: number;
  conversions: number;
  /** Conversion rate, null with no runs. */
  rate: number | null;
  /** Relative lift of the rate over control (0.25 = +25 %); null for control or when undefined. */
  lift: number | null;
  /** 95 % Wald interval of rate − control rate. */
  ci95: [number, number] | null;
  z: number | null;
  p: number | null;
  /** Bayesian probability that this variant's rate beats control's. */
  probBeatControl: number | null;
}

/** Per-variant comparison against the control. */
export function compareVariants(arms: readonly Arm[], control: string): VariantStats[] {
  const c = arms.find((a) => a.name === control);
  return arms.map((a) => {
    const rate = a.runs > 0 ? a.conversions / a.runs : null;
    const isControl = a.name === control;
    const comparable = !isControl && c !== undefined && c.runs > 0 && a.runs > 0;
    const cRate = c && c.runs > 0 ? c.conversions / c.runs : null;
    const zt = comparable ? twoProportionZ(c.conversions, c.runs, a.conversions, a.runs) : null;
    return {
      variant: a.name,
      isControl,
      runs: a.runs,
      conversions: a.conversions,
      rate,
      lift: comparable && rate !== null && cRate ? rate / cRate - 1 : null,
      ci95: comparable ? waldDiffCi(c.conversions, c.runs, a.conversions, a.runs) : null,
      z: zt ? zt.z : null,
      p: zt ? zt.p : null,
      probBeatControl: comparable ? probabilityToBeat(c.conversions, c.runs, a.conversions, a.runs) : null,
    };
  });
}

/**
 * Turns the journey stats for one split node (`JourneyService.stats(id).nodes[nodeId]`)
 * into the per-variant table: runs = customers sent through the port, conversions =
 * journey-goal conversions credited to that port. The holdout is listed like a variant.
 */
export function abReport(counters: { ports: Record<string, number>; converted: Record<string, number> } | undefined, opts: { variants?: string[]; control?: string } = {}): VariantStats[] {
  const ports = counters?.ports ?? {};
  const converted = counters?.converted ?? {};
  const names = opts.variants ? [...opts.variants] : Object.keys(ports).filter((p) => p !== 'holdout');
  if (!names.includes('holdout') && (ports.holdout !== undefined || converted.holdout !== undefined)) names.push('holdout');
  const arms = names.map((name) => ({ name, runs: ports[name] ?? 0, conversions: converted[name] ?? 0 }));
  return compareVariants(arms, opts.control ?? names[0] ?? '');
}
