import { kMeansCluster, silhouette } from 'simple-statistics';
import { ForesightError } from '../core/errors.ts';
import type { FeatureTable } from './features.ts';
import { createRng } from './rng.ts';
import { column, sampleRows } from './rows.ts';

/**
 * Personas: k-means on three behaviour features of buyers — frequency (purchase days),
 * monetary (average order value) and recency (days since the last purchase). Each feature is
 * log-transformed (all three are right-skewed), standardised and clipped at ±3 sd so a few
 * extreme customers cannot claim a cluster. k is chosen by the mean silhouette over a range.
 * Cost is bounded on large bases: k-means runs on an evenly spaced sample, the silhouette
 * (quadratic) on a smaller one, and everyone is then assigned to the nearest centroid.
 */

export interface PersonaOptions {
  kMin?: number;
  kMax?: number;
  /** Customers k-means is run on (default 5,000). */
  sampleSize?: number;
  /** Customers the silhouette is computed on (default 800). */
  silhouetteSample?: number;
  seed?: number;
}

export interface Persona {
  id: number;
  label: string;
  size: number;
  share: number;
  /** Means of the raw features in the cluster. */
  means: { purchaseDays: number; averageOrderValue: number; daysSinceLast: number };
}

export interface PersonaResult {
  k: number;
  silhouette: number;
  silhouetteByK: { k: number; silhouette: number }[];
  personas: Persona[];
  /** Persona id of each buyer row. */
  assignment: Uint8Array;
}

const CLIP = 3;

/**
 * @example
 * const { personas, assignment } = fitPersonas(table);
 * personas[assignment[0]!]!.label // e.g. 'Frequent high spenders, recently active'
 */
export function fitPersonas(table: FeatureTable, options: PersonaOptions = {}): PersonaResult {
  const kMin = options.kMin ?? 2;
  const kMax = options.kMax ?? 6;
  const n = table.buyers;
  if (!(Number.isInteger(kMin) && Number.isInteger(kMax) && kMin >= 2 && kMax >= kMin)) {
    throw new ForesightError('invalid_model_input', `personas: kMin = ${kMin}, kMax = ${kMax}; need integers with 2 ≤ kMin ≤ kMax`, { field: 'personas.kMin' });
  }
  if (n < kMin * 2) {
    throw new ForesightError('invalid_model_input', `personas: ${n} buyers are too few for ${kMin} clusters; lower kMin or add customers`, { field: 'personas.kMin' });
  }
  const z = standardised(table);
  const rng = createRng(options.seed ?? 1);
  const sample = Array.from(sampleRows(n, options.sampleSize ?? 5000), (i) => point(z, i));
  const silSize = Math.min(sample.length, options.silhouetteSample ?? 800);
  const silRows = sampleRows(sample.length, silSize);
  const silPoints = Array.from(silRows, (k) => sample[k]!);

  let best: { k: number; silhouette: number; centroids: number[][] } | null = null;
  const silhouetteByK: { k: number; silhouette: number }[] = [];
  for (let k = kMin; k <= Math.min(kMax, sample.length - 1); k++) {
    const clustering = bestOfRuns(sample, k, rng);
    if (!clustering) continue;
    const silLabels = Array.from(silRows, (row) => clustering.labels[row]!);
    const values = silhouette(silPoints, silLabels);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    silhouetteByK.push({ k, silhouette: mean });
    if (!best || mean > best.silhouette) best = { k, silhouette: mean, centroids: clustering.centroids };
  }
  if (!best) throw new ForesightError('fit_failed', 'personas: k-means found no stable clustering; the features may be nearly constant', { field: 'personas' });

  const assignment = new Uint8Array(n);
  const size = new Float64Array(best.k);
  const sums = Array.from({ length: best.k }, () => [0, 0, 0]);
  for (let i = 0; i < n; i++) {
    const c = nearest(best.centroids, z, i);
    assignment[i] = c;
    size[c]!++;
    const s = sums[c]!;
    s[0]! += table.x[i]! + 1;
    s[1]! += table.averageOrderValue[i]!;
    s[2]! += table.daysSinceLast[i]!;
  }
  const labels = uniqueLabels(best.centroids.map((c, id) => describe(c, sums[id]![0]! / Math.max(size[id]!, 1))));
  const personas = best.centroids.map((_, id): Persona => ({
    id,
    label: labels[id]!,
    size: size[id]!,
    share: size[id]! / n,
    means: {
      purchaseDays: sums[id]![0]! / Math.max(size[id]!, 1),
      averageOrderValue: sums[id]![1]! / Math.max(size[id]!, 1),
      daysSinceLast: sums[id]![2]! / Math.max(size[id]!, 1),
    },
  }));
  return { k: best.k, silhouette: best.silhouette, silhouetteByK, personas, assignment };
}

/** Log-transformed, standardised, clipped features as three columns over the buyer rows. */
function standardised(table: FeatureTable): Float64Array[] {
  const n = table.buyers;
  const raw = [
    column(n, (i) => Math.log(table.x[i]! + 1)),
    column(n, (i) => Math.log1p(table.averageOrderValue[i]!)),
    column(n, (i) => Math.log1p(table.daysSinceLast[i]!)),
  ];
  for (const col of raw) {
    let s = 0;
    for (const v of col) s += v;
    const mean = s / n;
    let ss = 0;
    for (const v of col) ss += (v - mean) ** 2;
    const sd = Math.sqrt(ss / n) || 1;
    for (let i = 0; i < n; i++) col[i] = Math.max(-CLIP, Math.min(CLIP, (col[i]! - mean) / sd));
  }
  return raw;
}

function point(z: Float64Array[], i: number): number[] {
  return z.map((col) => col[i]!);
}

/** Lowest-inertia of three seeded runs; a run whose cluster empties out is skipped. */
function bestOfRuns(points: number[][], k: number, rng: ReturnType<typeof createRng>): { labels: number[]; centroids: number[][] } | null {
  let best: { labels: number[]; centroids: number[][]; inertia: number } | null = null;
  for (let run = 0; run < 3; run++) {
    let result: { labels: number[]; centroids: number[][] };
    try {
      result = kMeansCluster(points, k, rng.next);
    } catch {
      continue; // simple-statistics throws when a centroid loses all its points
    }
    let inertia = 0;
    for (let i = 0; i < points.length; i++) inertia += squaredDistance(points[i]!, result.centroids[result.labels[i]!]!);
    if (!best || inertia < best.inertia) best = { ...result, inertia };
  }
  return best;
}

function nearest(centroids: number[][], z: Float64Array[], i: number): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let c = 0; c < centroids.length; c++) {
    let d = 0;
    for (let j = 0; j < z.length; j++) d += (z[j]![i]! - centroids[c]![j]!) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

function squaredDistance(a: number[], b: number[]): number {
  let d = 0;
  for (let j = 0; j < a.length; j++) d += (a[j]! - b[j]!) ** 2;
  return d;
}

/** Plain-language label from a centroid's z-scores (±0.5 sd marks high/low). */
function describe(centroid: number[], meanPurchaseDays: number): string {
  const [f = 0, m = 0, r = 0] = centroid;
  const frequency = meanPurchaseDays < 1.5 ? 'One-time' : f >= 0.5 ? 'Frequent' : 'Occasional';
  const money = m >= 0.5 ? 'high spenders' : m <= -0.5 ? 'low spenders' : 'mid spenders';
  const recency = r <= -0.5 ? 'recently active' : r >= 0.5 ? 'long inactive' : 'cooling off';
  return `${frequency} ${money}, ${recency}`;
}

function uniqueLabels(labels: string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    return count === 1 ? label : `${label} (${count})`;
  });
}
