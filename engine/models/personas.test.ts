import { describe, expect, it } from 'vitest';
import { loadCdnowSample } from './cdnow.fixture.ts';
import { computeFeatures } from './features.ts';
import { fitPersonas } from './personas.ts';
import { createRng } from './rng.ts';
import { dateOfDay } from './time.ts';
import type { Order } from './types.ts';

/** Three planted groups: frequent big spenders, one-time small buyers, lapsed mid buyers. */
function plantedOrders(): Order[] {
  const rng = createRng(5);
  const orders: Order[] = [];
  const add = (id: string, days: number[], amount: () => number): void => {
    days.forEach((d, k) => orders.push({ customerId: id, orderId: `${id}-${k}`, orderedAt: dateOfDay(18000 + d), amount: amount() }));
  };
  for (let c = 0; c < 300; c++) add(`vip${c}`, [0, 30, 60, 90, 120, 150, 170 + rng.int(10)], () => 200 + 50 * rng.next());
  for (let c = 0; c < 300; c++) add(`one${c}`, [170 + rng.int(10)], () => 10 + 5 * rng.next());
  for (let c = 0; c < 300; c++) add(`old${c}`, [0, 20 + rng.int(10)], () => 50 + 10 * rng.next());
  return orders;
}

describe('personas', () => {
  it('finds planted groups, picks k by silhouette and labels them plainly', () => {
    const table = computeFeatures({ orders: plantedOrders(), cutoff: dateOfDay(18180), timeUnit: 'day' });
    const result = fitPersonas(table);
    expect(result.k).toBe(3);
    expect(result.silhouette).toBeGreaterThan(0.7);
    const labelOf = (prefix: string): Set<string> => {
      const labels = new Set<string>();
      for (let i = 0; i < table.buyers; i++) if (table.ids[i]!.startsWith(prefix)) labels.add(result.personas[result.assignment[i]!]!.label);
      return labels;
    };
    expect([...labelOf('vip')]).toEqual(['Frequent high spenders, recently active']);
    expect([...labelOf('one')]).toEqual(['One-time low spenders, recently active']);
    expect([...labelOf('old')]).toEqual(['Occasional mid spenders, long inactive']);
    const vip = result.personas.find((p) => p.label.startsWith('Frequent'))!;
    expect(vip.size).toBe(300);
    expect(vip.means.purchaseDays).toBe(7);
    expect(vip.share).toBeCloseTo(1 / 3, 12);
  });

  it('is deterministic and describes the CDNOW sample', async () => {
    const { table } = await loadCdnowSample();
    const a = fitPersonas(table, { seed: 3 });
    const b = fitPersonas(table, { seed: 3 });
    expect(Array.from(b.assignment)).toEqual(Array.from(a.assignment));
    expect(a.k).toBeGreaterThanOrEqual(2);
    expect(a.personas.reduce((s, p) => s + p.size, 0)).toBe(table.buyers);
    expect(new Set(a.personas.map((p) => p.label)).size).toBe(a.k);
    expect(a.silhouetteByK.map((s) => s.k)).toEqual([2, 3, 4, 5, 6]);
  });

  it('rejects impossible settings', () => {
    const table = computeFeatures({ orders: plantedOrders().slice(0, 3), cutoff: dateOfDay(18180), timeUnit: 'day' });
    expect(() => fitPersonas(table)).toThrow(/too few for 2 clusters/);
    expect(() => fitPersonas(table, { kMin: 1 })).toThrow(/kMin = 1/);
  });
});
