import { describe, expect, it } from 'vitest';
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
    const rec = buildRecommender(orders);
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

  it('ignores orders after the cutoff', () => {
    const rec = buildRecommender([order('a', ['x']), order('a', ['y'], '2024-03-01')], { cutoff: new Date('2024-02-01') });
    expect(rec.items).toEqual(['x']);
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
    const rec = buildRecommender(orders, { cutoff });
    const future = new Map<string, Set<string>>();
    for (const o of orders) {
      if (o.orderedAt <= cutoff || !rec.customerItems.has(o.customerId)) continue;
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
