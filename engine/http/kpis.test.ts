import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-server.ts';

let s: TestServer;
let h: Record<string, string>;
beforeAll(async () => {
  s = await startTestServer({ start: '2024-04-01T00:00:00Z' });
  h = await s.key('admin');
  // February: ann and bob buy; March: ann again twice, cy first time.
  const order = (customerId: string, orderId: string, orderedAt: string, amount: number) => ({ kind: 'order', customerId, orderId, orderedAt, amount });
  await s.call('POST', '/api/batch', {
    headers: h,
    json: {
      batch: [
        order('ann', 'a1', '2024-02-05', 100), order('bob', 'b1', '2024-02-06', 50),
        order('ann', 'a2', '2024-03-05', 30), order('ann', 'a3', '2024-03-06', 30), order('cy', 'c1', '2024-03-07', 60),
        { kind: 'track', customerId: 'cy', type: 'nps', properties: { score: 9 }, occurredAt: '2024-03-08' },
      ],
    },
  });
});
afterAll(() => s.close());

describe('KPI API', () => {
  it('gives each KPI with its formula, the comparison value, a split and the cohort table', async () => {
    const res = await s.call('GET', '/api/kpis?from=2024-03-01&to=2024-04-01&compareFrom=2024-02-01&compareTo=2024-03-01&split=lifecycle&cohortMonths=2&acquisitionSpend=10', { headers: h });
    expect(res.status).toBe(200);
    const k = Object.fromEntries(res.body.kpis.map((x: { key: string }) => [x.key, x]));
    // March: at start ann, bob; new cy; buyers ann, cy → retention (2 − 1) / 2.
    expect(k.retention).toMatchObject({ value: 0.5, previous: null, formula: expect.stringContaining('customers at start') });
    expect(k.aov).toMatchObject({ value: 40, previous: 75 });
    expect(k.repeatRate.value).toBe(0.5);
    expect(k.nps.value).toBe(100);
    expect(k.cac.value).toBe(10);
    expect(res.body.split).toEqual([expect.objectContaining({ group: 'unknown' })]);
    expect(res.body.cohorts).toEqual([
      { month: '2024-02', customers: 2, retained: [1, 0.5] },
      { month: '2024-03', customers: 1, retained: [1] },
    ]);
  });

  it('defaults to the 30 days before now, compared with the 30 days before that', async () => {
    const res = await s.call('GET', '/api/kpis', { headers: h });
    expect(res.body.period).toEqual({ from: Date.parse('2024-03-02T00:00:00Z'), to: Date.parse('2024-04-01T00:00:00Z') });
    expect(res.body.comparison).toEqual({ from: Date.parse('2024-02-01T00:00:00Z'), to: Date.parse('2024-03-02T00:00:00Z') });
  });

  it('rejects bad input naming the field', async () => {
    for (const [query, field] of [
      ['from=2024-02-30', 'query.from'],
      ['from=2024-03-02&to=2024-03-01', 'query.from'],
      ['split=tier', 'query.split'],
      ['acquisitionSpend=-5', 'query.acquisitionSpend'],
      ['zone=Mars/Base', 'query.zone'],
    ]) {
      const res = await s.call('GET', `/api/kpis?${query}`, { headers: h });
      expect([query, res.status, res.body.error.field]).toEqual([query, 400, field]);
    }
  });

  it('documents the KPI, segment and profile routes in the OpenAPI document', async () => {
    const doc = (await s.call('GET', '/api/openapi.json', { headers: h })).body;
    expect(doc.paths['/api/kpis'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['from', 'to', 'compareFrom', 'compareTo', 'split', 'acquisitionSpend']));
    expect(Object.keys(doc.paths['/api/segments/{name}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.paths['/api/segments/{name}/duplicate'].post.requestBody).toBeTruthy();
    expect(doc.paths['/api/customers/{externalId}/profile'].get).toBeTruthy();
  });
});
