import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CDNOW_SUMMARY, loadCdnowSample } from './cdnow.fixture.ts';
import { computeFeatures, emailEventsBetween, featuresAt, indexEmailEvents, indexOrders, purchaseDaysBetween } from './features.ts';
import type { EmailEvent, Order } from './types.ts';

const d = (s: string): Date => new Date(`${s}T00:00:00Z`);
const order = (customerId: string, day: string, amount: number, quantity?: number): Order => ({
  customerId,
  orderId: `${customerId}-${day}-${amount}`,
  orderedAt: d(day),
  amount,
  ...(quantity === undefined ? {} : { quantity }),
});

describe('features', () => {
  const orders = [
    order('a', '2024-01-10', 30, 1),
    order('a', '2024-01-01', 10, 2),
    order('a', '2024-01-01', 5, 1), // same day as the previous: one purchase of 15
    order('a', '2024-01-29', 20, 1),
    order('a', '2024-03-01', 99), // after the cutoff
    order('b', '2024-01-15', 40),
  ];
  const events: EmailEvent[] = [
    { customerId: 'a', type: 'sent', at: d('2024-01-20') },
    { customerId: 'a', type: 'open', at: d('2024-01-21') },
    { customerId: 'a', type: 'click', at: d('2024-01-21') },
    { customerId: 'a', type: 'open', at: d('2024-02-05') }, // after the cutoff
    { customerId: 'p', type: 'sent', at: d('2024-01-25') },
    { customerId: 'p', type: 'open', at: d('2024-01-26') },
  ];
  const cutoff = d('2024-01-31');

  it('computes purchase-day features at a cutoff', () => {
    const t = computeFeatures({ orders, events, cutoff, timeUnit: 'day' });
    expect(t.ids).toEqual(['a', 'b', 'p']);
    expect(t.buyers).toBe(2);
    // a: purchase days Jan 1 (15), Jan 10 (30), Jan 29 (20).
    expect(t.x[0]).toBe(2);
    expect(t.tx[0]).toBe(28);
    expect(t.T[0]).toBe(30);
    expect(t.orders[0]).toBe(4);
    expect(t.total[0]).toBe(65);
    expect(t.averageOrderValue[0]).toBe(65 / 4);
    expect(t.quantity[0]).toBe(5);
    expect(t.repeatMean[0]).toBe(25); // (30 + 20) / 2, first day excluded
    expect(t.daysSinceLast[0]).toBe(2);
    expect(Array.from(t.gapDays.subarray(t.gapStart[0], t.gapStart[1]))).toEqual([9, 19]);
    const email = t.email!;
    expect(email.sent[0]).toBe(1);
    expect(email.opened[0]).toBe(1);
    expect(email.clicked[0]).toBe(1);
    expect(email.daysSinceOpen[0]).toBe(10);
    // b: a single purchase.
    expect(t.x[1]).toBe(0);
    expect(t.tx[1]).toBe(0);
    expect(t.T[1]).toBe(16);
    expect(t.repeatMean[1]).toBeNaN();
    expect(email.daysSinceOpen[1]).toBeNaN();
    // p: a prospect, known from email only.
    expect(email.opened[2]).toBe(1);
    expect(computeFeatures({ orders, cutoff, timeUnit: 'day' }).email).toBeUndefined();
    expect(t.gapStart[3]! - t.gapStart[2]!).toBe(0);
  });

  it('expresses times in weeks and takes labels from windows', () => {
    const index = indexOrders(orders);
    const t = featuresAt(index, cutoff, 'week');
    expect(t.tx[0]).toBeCloseTo(4, 12);
    expect(t.T[0]).toBeCloseTo(30 / 7, 12);
    expect(Array.from(purchaseDaysBetween(index, t, t.cutoffDay, t.cutoffDay + 60))).toEqual([1, 0]);
    const email = indexEmailEvents(events);
    const te = featuresAt(index, cutoff, 'week', email);
    expect(Array.from(emailEventsBetween(email, te, 'open', te.cutoffDay, te.cutoffDay + 7))).toEqual([1, 0, 0]);
    // Before the first order nobody is a buyer.
    expect(featuresAt(index, d('2023-12-31'), 'day').buyers).toBe(0);
  });

  it('rejects unusable orders, naming the field', () => {
    expect(() => indexOrders([{ ...order('a', '2024-01-01', 1), amount: Number.NaN }])).toThrow(/orders\[0\]\.amount/);
    expect(() => indexOrders([{ ...order('a', '2024-01-01', 1), orderedAt: new Date('x') }])).toThrow(/orders\[0\]\.orderedAt/);
    expect(() => indexOrders([{ ...order('a', '2024-01-01', 1), customerId: '' }])).toThrow(/orders\[0\]\.customerId/);
    expect(() => indexEmailEvents([{ customerId: 'a', type: 'bounce' as 'open', at: d('2024-01-01') }])).toThrow(/events\[0\]\.type/);
  });

  it('reproduces the published CDNOW calibration summary exactly', async () => {
    const { table } = await loadCdnowSample();
    const rows = readFileSync(CDNOW_SUMMARY, 'utf8').trim().split('\n').slice(1);
    expect(table.n).toBe(rows.length);
    const row = new Map(table.ids.map((id, i) => [id, i]));
    for (const line of rows) {
      const [id, frequency, recency, T] = line.split(',').map(Number) as [number, number, number, number];
      const i = row.get(`c${id}`)!;
      expect(table.x[i]).toBe(frequency);
      expect(Math.abs(table.tx[i]! - recency)).toBeLessThan(0.006);
      expect(Math.abs(table.T[i]! - T)).toBeLessThan(0.006);
    }
  });
});
