import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';
import { cohortTable, periodKpis, splitKpis, type Kpi } from './index.ts';

/**
 * A small shop, March 2024 as the period. 10 customers, 14 orders:
 *   February: c1 100, c2 50, c3 30, c4 20                → 4 customers at start
 *   March:    c1 60 + 40, c2 80                          → returning (c1 twice)
 *             c5 25 + 35 + 40, c6 10, c7 50              → 3 new (c5 three times)
 *   April:    c8 70, c3 45                               → after the period
 *   c9, c10 never order.
 * By hand for March: buyers 5 (c1 c2 c5 c6 c7), new 3, at start 4
 *   retention = (5 − 3) / 4 = 0.5, churn = (4 − 2) / 4 = 0.5
 *   repeat rate = 2 (c1, c5) / 5 = 0.4
 *   orders 8, revenue 60+40+80+25+35+40+10+50 = 340 → AOV 42.5, per customer 68, frequency 1.6
 *   historic CLV = (200 + 340) / 7 customers = 77.142857…
 *   NPS answers in March 10 9 9 8 7 6 3 10 10 5: promoters 5, passives 2, detractors 3 → (5 − 3) / 10 × 100 = 20
 *   CAC = 90 / 3 new = 30, CLV:CAC = 77.14 / 30 = 2.57 (< 3, flagged)
 */
const MARCH = { from: Date.parse('2024-03-01T00:00:00Z'), to: Date.parse('2024-04-01T00:00:00Z') };
let h: Harness;

beforeEach(async () => {
  h = createHarness({ start: '2024-01-01T00:00:00Z' });
  await h.identify(Array.from({ length: 10 }, (_, i) => ({ customerId: `c${i + 1}` })));
  const orders: [string, string, number][] = [
    ['c1', '2024-02-05', 100], ['c2', '2024-02-10', 50], ['c3', '2024-02-12', 30], ['c4', '2024-02-20', 20],
    ['c1', '2024-03-03', 60], ['c1', '2024-03-20', 40], ['c2', '2024-03-10', 80],
    ['c5', '2024-03-02', 25], ['c5', '2024-03-15', 35], ['c5', '2024-03-28', 40], ['c6', '2024-03-05', 10], ['c7', '2024-03-31T23:59:59Z', 50],
    ['c8', '2024-04-02', 70], ['c3', '2024-04-05', 45],
  ];
  await h.orders(orders.map(([customerId, at, amount], i) => ({ customerId, orderId: `o${i + 1}`, orderedAt: at.includes('T') ? at : `${at}T12:00:00Z`, amount })));
  const answers = [10, 9, 9, 8, 7, 6, 3, 10, 10, 5];
  await h.track([
    ...answers.map((score, i) => ({ customerId: `c${(i % 10) + 1}`, type: 'nps_response', properties: { score }, occurredAt: `2024-03-${String(i + 10)}T09:00:00Z` })),
    { customerId: 'c1', type: 'nps_response', properties: { score: 0 }, occurredAt: '2024-02-15T09:00:00Z' },
    { customerId: 'c2', type: 'review', properties: { score: 1 }, occurredAt: '2024-03-15T09:00:00Z' },
  ]);
});
afterEach(() => h.close());

const byKey = (kpis: Kpi[]) => Object.fromEntries(kpis.map((k) => [k.key, k.value]));

describe('lifecycle KPIs on a small shop computed by hand', () => {
  it('gives retention, churn, repeat rate, AOV, frequency, CLV, NPS and CLV:CAC exactly', async () => {
    const kpis = await periodKpis(h.storage, MARCH, { acquisitionSpend: 90 });
    const v = byKey(kpis);
    expect(v).toMatchObject({ retention: 0.5, churn: 0.5, repeatRate: 0.4, aov: 42.5, revenuePerCustomer: 68, frequency: 1.6, nps: 20, cac: 30 });
    expect(v.clvHistoric).toBeCloseTo(540 / 7, 10);
    const clvToCac = kpis.find((k) => k.key === 'clvToCac')!;
    expect(clvToCac.value).toBeCloseTo(540 / 7 / 30, 10);
    expect(clvToCac.warning).toMatch(/below 3/);
    expect(v.clvPredicted).toBeNull();
  });

  it('gives nothing rather than a false 0 for a period without customers', async () => {
    const v = byKey(await periodKpis(h.storage, { from: Date.parse('2023-01-01T00:00:00Z'), to: Date.parse('2023-02-01T00:00:00Z') }));
    expect(v).toMatchObject({ retention: null, repeatRate: null, aov: null, nps: null, openRate: null });
  });

  it('splits by lifecycle stage from the stored labels', async () => {
    const stage = async (id: string, s: string) =>
      h.storage.scores.put([{ customerId: await h.customerId(id), model: 'lifecycle', value: null, data: { stage: s }, modelVersion: 't', scoredAt: MARCH.from }]);
    for (const id of ['c1', 'c2', 'c5']) await stage(id, 'repeat');
    for (const id of ['c6', 'c7']) await stage(id, 'new');
    await stage('c3', 'at-risk');
    const split = Object.fromEntries((await splitKpis(h.storage, MARCH, 'lifecycle')).map((g) => [g.group, byKey(g.kpis)]));
    expect(Object.keys(split)).toEqual(['at-risk', 'new', 'repeat', 'unknown']);
    // repeat: c1 (2 orders, 100) c2 (1, 80) c5 (3, 100) → 6 orders, 280; c1 and c2 at start, both back.
    expect(split.repeat).toMatchObject({ retention: 1, repeatRate: 2 / 3, aov: 280 / 6 });
    expect(split.new).toMatchObject({ retention: null, aov: 30 });
    // c3 was a customer at start and did not come back in March; c4 (no label) neither.
    expect(split['at-risk']).toMatchObject({ retention: 0, churn: 1 });
  });

  it('builds the cohort table: retention by months since first order', async () => {
    const table = await cohortTable(h.storage, { from: Date.parse('2024-02-01T00:00:00Z'), to: Date.parse('2024-05-01T00:00:00Z') }, 'UTC');
    expect(table).toEqual([
      { month: '2024-02', customers: 4, retained: [1, 0.5, 0.25] },
      { month: '2024-03', customers: 3, retained: [1, 0] },
      { month: '2024-04', customers: 1, retained: [1] },
    ]);
  });
});
