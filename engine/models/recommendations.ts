import { dayNumber } from './time.ts';
import type { Order } from './types.ts';

/**
 * "Customers who bought X also bought Y": item-to-item cosine similarity over the binary
 * customer × item matrix, sim(i, j) = co-buyers(i, j) / √(buyers(i) · buyers(j)). A customer's
 * candidates are scored by the summed similarity to the items they bought; items they already
 * own are excluded; empty slots are filled with the most popular items (popularity fallback,
 * also what a customer with no item history gets). Only each item's `neighbours` most similar
 * items are kept, which bounds both memory and per-customer scoring cost.
 */

export interface Recommendation {
  itemId: string;
  /** Summed cosine similarity ('co-purchase') or share of customers who bought it ('popular'). */
  score: number;
  source: 'co-purchase' | 'popular';
}

export interface RecommenderOptions {
  /** Ignore orders after this date (the scoring cutoff). */
  cutoff?: Date;
  /** Similar items kept per item (default 20). */
  neighbours?: number;
  /** Most recent distinct items per customer used for co-occurrence (default 50). */
  maxItemsPerCustomer?: number;
}

export interface Recommender {
  items: readonly string[];
  /** Share of customers (with any item) who bought each item. */
  popularity: Float64Array;
  /** Items by descending popularity. */
  byPopularity: Uint32Array;
  neighbourStart: Uint32Array;
  neighbour: Uint32Array;
  similarity: Float64Array;
  /** Each customer's distinct items (indices into `items`). */
  customerItems: ReadonlyMap<string, Uint32Array>;
  /** Reusable buffers of `recommend`: scores per item (kept all-zero between calls) and touched items. */
  scratch: { score: Float64Array; touched: Uint32Array };
}

/**
 * @example
 * const rec = buildRecommender(orders, { cutoff: asOf });
 * recommend(rec, 'c1', 5) // => [{ itemId: 'p7', score: 0.82, source: 'co-purchase' }, …]
 */
export function buildRecommender(orders: readonly Order[], options: RecommenderOptions = {}): Recommender {
  const cutoffDay = options.cutoff ? dayNumber(options.cutoff) : Infinity;
  const maxItems = options.maxItemsPerCustomer ?? 50;
  const keep = options.neighbours ?? 20;
  const itemSlot = new Map<string, number>();
  const items: string[] = [];
  // Latest orders first, so the cap keeps each customer's most recent items.
  const perCustomer = new Map<string, number[]>();
  const sorted = orders.filter((o) => o.items && o.items.length > 0 && dayNumber(o.orderedAt) <= cutoffDay).sort((a, b) => b.orderedAt.getTime() - a.orderedAt.getTime());
  for (const o of sorted) {
    let list = perCustomer.get(o.customerId);
    if (!list) perCustomer.set(o.customerId, (list = []));
    for (const item of o.items!) {
      let s = itemSlot.get(item);
      if (s === undefined) {
        s = items.length;
        itemSlot.set(item, s);
        items.push(item);
      }
      if (list.length < maxItems && !list.includes(s)) list.push(s);
    }
  }
  const m = items.length;
  const buyers = new Float64Array(m);
  const pairs = new Map<number, number>();
  const customerItems = new Map<string, Uint32Array>();
  for (const [customer, list] of perCustomer) {
    customerItems.set(customer, Uint32Array.from(list));
    for (let a = 0; a < list.length; a++) {
      buyers[list[a]!]!++;
      for (let b = a + 1; b < list.length; b++) {
        const i = Math.min(list[a]!, list[b]!);
        const j = Math.max(list[a]!, list[b]!);
        const key = i * m + j;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
  }
  const lists: { j: number; s: number }[][] = Array.from({ length: m }, () => []);
  for (const [key, count] of pairs) {
    const i = Math.floor(key / m);
    const j = key - i * m;
    const s = count / Math.sqrt(buyers[i]! * buyers[j]!);
    lists[i]!.push({ j, s });
    lists[j]!.push({ j: i, s });
  }
  const neighbourStart = new Uint32Array(m + 1);
  const top = lists.map((l) => l.sort((x, y) => y.s - x.s || x.j - y.j).slice(0, keep));
  for (let i = 0; i < m; i++) neighbourStart[i + 1] = neighbourStart[i]! + top[i]!.length;
  const neighbour = new Uint32Array(neighbourStart[m]!);
  const similarity = new Float64Array(neighbourStart[m]!);
  top.forEach((l, i) => l.forEach((e, k) => ((neighbour[neighbourStart[i]! + k] = e.j), (similarity[neighbourStart[i]! + k] = e.s))));
  const customers = Math.max(perCustomer.size, 1);
  const popularity = Float64Array.from(buyers, (b) => b / customers);
  const byPopularity = Uint32Array.from({ length: m }, (_, i) => i).sort((a, b) => popularity[b]! - popularity[a]! || a - b);
  const scratch = { score: new Float64Array(m), touched: new Uint32Array(m) };
  return { items, popularity, byPopularity, neighbourStart, neighbour, similarity, customerItems, scratch };
}

/**
 * Top-n items the customer has not bought, best first. Uses the recommender's scratch
 * buffers (no per-call allocation beyond the result), so it is not re-entrant.
 * @example recommend(rec, 'c1', 3).map((r) => r.itemId)
 */
export function recommend(rec: Recommender, customerId: string, n: number): Recommendation[] {
  const owned = rec.customerItems.get(customerId) ?? EMPTY;
  const { score, touched } = rec.scratch;
  let touchedCount = 0;
  for (const i of owned) {
    for (let k = rec.neighbourStart[i]!; k < rec.neighbourStart[i + 1]!; k++) {
      const j = rec.neighbour[k]!;
      if (score[j] === 0) touched[touchedCount++] = j;
      score[j]! += rec.similarity[k]!;
    }
  }
  for (const i of owned) score[i] = 0;
  // Insertion into a best-first list of at most n candidates (ties: lower item index first).
  const best: number[] = [];
  for (let t = 0; t < touchedCount; t++) {
    const j = touched[t]!;
    const s = score[j]!;
    if (s === 0) continue;
    let pos = best.length;
    while (pos > 0 && (score[best[pos - 1]!]! < s || (score[best[pos - 1]!]! === s && best[pos - 1]! > j))) pos--;
    if (pos < n) {
      best.splice(pos, 0, j);
      if (best.length > n) best.pop();
    }
  }
  const out: Recommendation[] = best.map((j) => ({ itemId: rec.items[j]!, score: score[j]!, source: 'co-purchase' }));
  for (let t = 0; t < touchedCount; t++) score[touched[t]!] = 0;
  for (let k = 0; k < rec.byPopularity.length && out.length < n; k++) {
    const j = rec.byPopularity[k]!;
    if (owned.includes(j) || best.includes(j)) continue;
    out.push({ itemId: rec.items[j]!, score: rec.popularity[j]!, source: 'popular' });
  }
  return out;
}

const EMPTY = new Uint32Array(0);
