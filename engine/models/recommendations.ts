import type { OrderIndex } from './features.ts';
import { dayNumber } from './time.ts';
import type { Order } from './types.ts';

/**
 * "Customers who bought X also bought Y": item-to-item cosine similarity over the binary
 * customer × item matrix, sim(i, j) = co-buyers(i, j) / √(buyers(i) · buyers(j)). A customer's
 * candidates are scored by the summed similarity to the items they bought; items they already
 * own are excluded; empty slots are filled with the most popular items (popularity fallback,
 * also what a customer with no item history gets). Only each item's `neighbours` most similar
 * items are kept, which bounds both memory and per-customer scoring cost.
 *
 * Co-buyer counts come from a dense item × item table when the catalogue is small (one
 * sequential pass over customers), else from an inverted index (item → its buyers → their
 * items) into one reused accumulator, so no large pair table is materialised. All per-customer
 * data lives in flat typed arrays, which keeps millions of customers cheap for the GC.
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
  /** Most recent distinct items per customer used (default 50). */
  maxItemsPerCustomer?: number;
}

export interface Recommender {
  items: readonly string[];
  /** Share of customers (with any item) who bought each item. */
  popularity: Float64Array;
  /** Items by descending popularity. */
  byPopularity: Uint32Array;
  /** Item i's neighbours are rows neighbourStart[i] .. neighbourStart[i+1]-1. */
  neighbourStart: Uint32Array;
  neighbour: Uint32Array;
  similarity: Float64Array;
  /** Customer slots are those of the OrderIndex the recommender was built with. */
  index: OrderIndex;
  /** Customer c's distinct items are rows ownedStart[c] .. ownedStart[c+1]-1 of `owned`. */
  ownedStart: Uint32Array;
  owned: Uint32Array;
  /** Reusable buffers of `recommendInto` (scores are all-zero between calls). */
  scratch: { score: Float64Array; mark: Uint32Array; touched: Uint32Array; stamp: number; top: Top };
}

/**
 * Builds the recommender from the orders and their index (whose customer slots it shares).
 * @example
 * const rec = buildRecommender(orders, indexOrders(orders), { cutoff: asOf });
 * recommend(rec, 'c1', 5) // => [{ itemId: 'p7', score: 0.82, source: 'co-purchase' }, …]
 */
export function buildRecommender(orders: readonly Order[], index: OrderIndex, options: RecommenderOptions = {}): Recommender {
  const cutoffDay = options.cutoff ? dayNumber(options.cutoff) : Infinity;
  const cap = options.maxItemsPerCustomer ?? 50;
  const keep = options.neighbours ?? 20;
  const customers = index.ids.length;

  // Each customer's distinct items, most recent orders first (the index has them by day),
  // up to the cap; item slots are assigned on first sight.
  const itemSlot = new Map<string, number>();
  const items: string[] = [];
  let lines = 0;
  for (const o of orders) lines += o.items?.length ?? 0;
  const ownedStart = new Uint32Array(customers + 1);
  const owned = new Uint32Array(lines);
  let mark = new Uint32Array(1024);
  let w = 0;
  for (let c = 0; c < customers; c++) {
    ownedStart[c] = w;
    for (let k = index.orderStart[c + 1]! - 1; k >= index.orderStart[c]! && w - ownedStart[c]! < cap; k--) {
      const o = index.ordersByCustomer[k]!;
      const orderItems = orders[o]!.items;
      if (!orderItems || index.orderDay[o]! > cutoffDay) continue;
      for (let t = 0; t < orderItems.length && w - ownedStart[c]! < cap; t++) {
        let item = itemSlot.get(orderItems[t]!);
        if (item === undefined) {
          item = items.length;
          itemSlot.set(orderItems[t]!, item);
          items.push(orderItems[t]!);
          if (item >= mark.length) {
            const grown = new Uint32Array(mark.length * 2);
            grown.set(mark);
            mark = grown;
          }
        }
        if (mark[item] === c + 1) continue;
        mark[item] = c + 1;
        owned[w++] = item;
      }
    }
  }
  ownedStart[customers] = w;
  const m = items.length;
  const buyers = new Float64Array(m);
  for (let k = 0; k < w; k++) buyers[owned[k]!]!++;

  const coBuyersOf = m <= DENSE_ITEMS ? denseCoBuyers(ownedStart, owned, m) : invertedCoBuyers(ownedStart, owned, m, buyers);
  // Per item: keep the top `keep` co-bought items by cosine.
  const neighbourStart = new Uint32Array(m + 1);
  const neighbour = new Uint32Array(m * Math.min(keep, Math.max(m - 1, 0)));
  const similarity = new Float64Array(neighbour.length);
  const top = createTop(keep);
  for (let i = 0; i < m; i++) {
    top.size = 0;
    coBuyersOf(i, (j, count) => offer(top, j, count / Math.sqrt(buyers[i]! * buyers[j]!)));
    const at = neighbourStart[i]!;
    neighbour.set(top.ids.subarray(0, top.size), at);
    similarity.set(top.values.subarray(0, top.size), at);
    neighbourStart[i + 1] = at + top.size;
  }

  let withItems = 0;
  for (let c = 0; c < customers; c++) if (ownedStart[c + 1]! > ownedStart[c]!) withItems++;
  const total = Math.max(withItems, 1);
  const popularity = Float64Array.from(buyers, (b) => b / total);
  const byPopularity = Uint32Array.from({ length: m }, (_, i) => i).sort((a, b) => popularity[b]! - popularity[a]! || a - b);
  return {
    items,
    popularity,
    byPopularity,
    neighbourStart,
    neighbour: neighbour.subarray(0, neighbourStart[m]!),
    similarity: similarity.subarray(0, neighbourStart[m]!),
    index,
    ownedStart,
    owned: owned.subarray(0, w),
    scratch: { score: new Float64Array(m), mark: new Uint32Array(m), touched: new Uint32Array(m), stamp: 0, top: createTop(0) },
  };
}

/**
 * Top-n items the customer has not bought, best first.
 * @example recommend(rec, 'c1', 3).map((r) => r.itemId)
 */
export function recommend(rec: Recommender, customerId: string, n: number): Recommendation[] {
  const buffer: RecommendationBuffer = { item: new Uint32Array(n), score: new Float64Array(n), popular: new Uint8Array(n) };
  const count = recommendInto(rec, rec.index.slotOf.get(customerId), n, buffer, 0);
  return Array.from({ length: count }, (_, k) => ({
    itemId: rec.items[buffer.item[k]!]!,
    score: buffer.score[k]!,
    source: buffer.popular[k] ? ('popular' as const) : ('co-purchase' as const),
  }));
}

/** Flat storage for many customers' recommendations (item indices into `Recommender.items`). */
export interface RecommendationBuffer {
  item: Uint32Array;
  score: Float64Array;
  /** 1 where the item is a popularity fill-in. */
  popular: Uint8Array;
}

/**
 * Writes the top-n recommendations of the customer in OrderIndex slot `c` (undefined for a
 * customer without orders) into `out` from `offset`; returns how many. Allocation-free (it
 * uses the recommender's scratch buffers), so it is not re-entrant.
 * @example const count = recommendInto(rec, index.slotOf.get('c1'), 5, buffer, 5 * row);
 */
export function recommendInto(rec: Recommender, c: number | undefined, n: number, out: RecommendationBuffer, offset: number): number {
  const s = rec.scratch;
  const stamp = ++s.stamp;
  const from = c === undefined ? 0 : rec.ownedStart[c]!;
  const to = c === undefined ? 0 : rec.ownedStart[c + 1]!;
  for (let k = from; k < to; k++) s.mark[rec.owned[k]!] = stamp;
  let touchedCount = 0;
  for (let k = from; k < to; k++) {
    const i = rec.owned[k]!;
    for (let q = rec.neighbourStart[i]!; q < rec.neighbourStart[i + 1]!; q++) {
      const j = rec.neighbour[q]!;
      if (s.mark[j] === stamp) continue;
      if (s.score[j] === 0) s.touched[touchedCount++] = j;
      s.score[j]! += rec.similarity[q]!;
    }
  }
  if (s.top.cap !== n) s.top = createTop(n);
  const top = s.top;
  top.size = 0;
  for (let t = 0; t < touchedCount; t++) {
    const j = s.touched[t]!;
    offer(top, j, s.score[j]!);
    s.score[j] = 0;
  }
  let count = 0;
  for (; count < top.size; count++) {
    const j = top.ids[count]!;
    s.mark[j] = stamp;
    out.item[offset + count] = j;
    out.score[offset + count] = top.values[count]!;
    out.popular[offset + count] = 0;
  }
  for (let k = 0; k < rec.byPopularity.length && count < n; k++) {
    const j = rec.byPopularity[k]!;
    if (s.mark[j] === stamp) continue;
    out.item[offset + count] = j;
    out.score[offset + count] = rec.popularity[j]!;
    out.popular[offset + count++] = 1;
  }
  return count;
}

/** Catalogues up to this size count co-buyers in a dense table (16 MB at the limit). */
const DENSE_ITEMS = 2048;

/** Visits (j, co-buyers of i and j) for every item j ≠ i bought with item i. */
type CoBuyers = (i: number, visit: (j: number, count: number) => void) => void;

function denseCoBuyers(ownedStart: Uint32Array, owned: Uint32Array, m: number): CoBuyers {
  const counts = new Uint32Array(m * m);
  for (let c = 0; c + 1 < ownedStart.length; c++) {
    for (let p = ownedStart[c]!; p < ownedStart[c + 1]!; p++) {
      const row = owned[p]! * m;
      for (let q = ownedStart[c]!; q < ownedStart[c + 1]!; q++) if (q !== p) counts[row + owned[q]!]!++;
    }
  }
  return (i, visit) => {
    for (let j = 0; j < m; j++) if (counts[i * m + j]! > 0) visit(j, counts[i * m + j]!);
  };
}

function invertedCoBuyers(ownedStart: Uint32Array, owned: Uint32Array, m: number, buyers: Float64Array): CoBuyers {
  const buyerStart = new Uint32Array(m + 1);
  for (let i = 0; i < m; i++) buyerStart[i + 1] = buyerStart[i]! + buyers[i]!;
  const buyerOf = new Uint32Array(owned.length);
  const fill = buyerStart.slice(0, m);
  for (let c = 0; c + 1 < ownedStart.length; c++) for (let k = ownedStart[c]!; k < ownedStart[c + 1]!; k++) buyerOf[fill[owned[k]!]!++] = c;
  const accumulator = new Float64Array(m);
  const touched = new Uint32Array(m);
  return (i, visit) => {
    let touchedCount = 0;
    for (let k = buyerStart[i]!; k < buyerStart[i + 1]!; k++) {
      const c = buyerOf[k]!;
      for (let q = ownedStart[c]!; q < ownedStart[c + 1]!; q++) {
        const j = owned[q]!;
        if (j === i) continue;
        if (accumulator[j] === 0) touched[touchedCount++] = j;
        accumulator[j]!++;
      }
    }
    for (let t = 0; t < touchedCount; t++) {
      const j = touched[t]!;
      visit(j, accumulator[j]!);
      accumulator[j] = 0;
    }
  };
}

/** A best-first list of at most `cap` (id, value) pairs in reusable typed buffers. */
interface Top {
  cap: number;
  size: number;
  ids: Uint32Array;
  values: Float64Array;
}

function createTop(cap: number): Top {
  return { cap, size: 0, ids: new Uint32Array(cap), values: new Float64Array(cap) };
}

/** Inserts (id, value) if it ranks among the best `cap`; ties keep the lower id first. */
function offer(top: Top, id: number, value: number): void {
  let pos = top.size;
  while (pos > 0 && (top.values[pos - 1]! < value || (top.values[pos - 1] === value && top.ids[pos - 1]! > id))) pos--;
  if (pos >= top.cap) return;
  for (let q = Math.min(top.size, top.cap - 1); q > pos; q--) {
    top.ids[q] = top.ids[q - 1]!;
    top.values[q] = top.values[q - 1]!;
  }
  top.ids[pos] = id;
  top.values[pos] = value;
  if (top.size < top.cap) top.size++;
}
