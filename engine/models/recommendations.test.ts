import { describe, expect, it } from 'vitest';
import { indexOrders } from './features.ts';
import { buildRecommender, recommend } from './recommendations.ts';
import { generatePopulation } from './synthetic.ts';
import type { Order } from './types.ts';

const order = (customerId: string, items: string[], day = '2024-01-01'): Order => ({
  customerId,
  orderId: `${customerId}-${items.join('')}-${day}`,
  orderedAt: new Date(`${day}T00:00:00Z`),
  amount: 1,
  items,
});

describe('recommendations', () => {
  it('scores by cosine co-purchase similarity and excludes owned items', () => {
    const orders = [order('a', ['x', 'y']), order('b', ['x', 'y', 'z']), order('c', ['x', 'z']), order('d', ['w']), order('e', ['x'])];
    const rec = buildRecommender(orders, indexOrders(orders));
    // buyers: x 4, y 2, z 2, w 1; co-buyers: x&y 2, x&z 2, y&z 1.
    const r = recommend(rec, 'e', 3);
    expect(r.map((x) => x.itemId)).toEqual(['y', 'z', 'w']);
    expect(r[0]!.score).toBeCloseTo(2 / Math.sqrt(4 * 2), 12);
    expect(r[0]!.source).toBe('co-purchase');
    expect(r[2]).toEqual({ itemId: 'w', score: 1 / 5, source: 'popular' });
    // Owning x and y: z scores sim(x,z) + sim(y,z) = 2/√8 + 1/√4.
    const a = recommend(rec, 'a', 1);
    expect(a[0]!.itemId).toBe('z');
    expect(a[0]!.score).toBeCloseTo(2 / Math.sqrt(8) + 1 / 2, 12);
    // Unknown customer: most popular first.
    expect(recommend(rec, 'new', 2)).toEqual([
      { itemId: 'x', score: 4 / 5, source: 'popular' },
      { itemId: 'y', score: 2 / 5, source: 'popular' },
    ]);
    // Calls do not leak state into each other.
    expect(recommend(rec, 'e', 3)).toEqual(r);
  });

  it('uses the inverted index for large catalogues with the same cosine scores', () => {
    // 2,200 items (past the dense-table limit) in co-bought pairs (q2k, q2k+1), 3 buyers per pair.
    const orders: Order[] = [];
    for (let k = 0; k < 1100; k++) for (let b = 0; b < 3; b++) orders.push(order(`c${k}-${b}`, [`q${2 * k}`, `q${2 * k + 1}`]));
    orders.push(order('single', ['q10']));
    const rec = buildRecommender(orders, indexOrders(orders));
    expect(rec.items).toHaveLength(2200);
    // q10 has 4 buyers, q11 has 3, both 3 together: cosine 3 / √12.
    expect(recommend(rec, 'single', 1)).toEqual([{ itemId: 'q11', score: 3 / Math.sqrt(12), source: 'co-purchase' }]);
  });

  it('keeps each customer’s most recent items when over the cap', () => {
    const orders = [order('a', ['x'], '2024-01-01'), order('a', ['y'], '2024-02-01'), order('a', ['w'], '2024-03-01'), order('b', ['x', 'z'])];
    const rec = buildRecommender(orders, indexOrders(orders), { maxItemsPerCustomer: 2 });
    const a = rec.index.slotOf.get('a')!;
    expect(Array.from(rec.owned.subarray(rec.ownedStart[a], rec.ownedStart[a + 1]), (i) => rec.items[i])).toEqual(['w', 'y']);
    // x fell outside a's cap, so it can be recommended to a.
    expect(recommend(rec, 'a', 3).map((r) => r.itemId)).toEqual(['x', 'z']);
  });

  it('ignores orders after the cutoff', () => {
    const orders = [order('a', ['x']), order('a', ['y'], '2024-03-01')];
    const rec = buildRecommender(orders, indexOrders(orders), { cutoff: new Date('2024-02-01') });
    expect(rec.items).toEqual(['x']);
    expect(recommend(rec, 'a', 1)).toEqual([]);
  });

  it('beats popularity at predicting the next basket of a synthetic base', () => {
    const { orders } = generatePopulation({
      customers: 3000,
      seed: 8,
      bgnbd: { r: 2, alpha: 10, a: 1, b: 6 },
      gammaGamma: { p: 6, q: 4, gamma: 15 },
      start: new Date('2024-01-01T00:00:00Z'),
      acquisitionDays: 60,
      end: new Date('2024-12-31T00:00:00Z'),
      timeUnit: 'week',
      items: { catalogue: 100, groups: 10, loyalty: 0.8 },
    });
    const cutoff = new Date('2024-10-01T00:00:00Z');
    const rec = buildRecommender(orders, indexOrders(orders), { cutoff });
    const future = new Map<string, Set<string>>();
    for (const o of orders) {
      const c = rec.index.slotOf.get(o.customerId)!;
      // Future baskets of customers with item history before the cutoff.
      if (o.orderedAt <= cutoff || rec.ownedStart[c + 1] === rec.ownedStart[c]) continue;
      const set = future.get(o.customerId) ?? new Set();
      for (const item of o.items!) set.add(item);
      future.set(o.customerId, set);
    }
    let hits = 0;
    let popularHits = 0;
    const popular = recommend(rec, 'nobody', 5).map((r) => r.itemId);
    for (const [customer, bought] of future) {
      if (recommend(rec, customer, 5).some((r) => bought.has(r.itemId))) hits++;
      if (popular.some((item) => bought.has(item))) popularHits++;
    }
    expect(future.size).toBeGreaterThan(500);
    expect(hits / future.size).toBeGreaterThan(1.3 * (popularHits / future.size));
  });
});
