import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-server.ts';

let s: TestServer;
let h: Record<string, string>;
beforeAll(async () => {
  s = await startTestServer({ start: '2024-06-01T00:00:00Z' });
  h = await s.key('admin');
});
afterAll(() => s.close());

describe('builder support API', () => {
  it('lists node types with fields and ports', async () => {
    const res = await s.call('GET', '/api/node-types', { headers: h });
    const types = res.body.nodeTypes as { type: string; ports: string[]; fields: unknown[] }[];
    expect(types.map((t) => t.type)).toEqual(expect.arrayContaining(['trigger.event', 'wait.delay', 'split.ab', 'flow.exit']));
    expect(types.find((t) => t.type === 'trigger.event')!.ports).toEqual(['next']);
  });

  it('lists templates and imports one as a draft journey, twice without overwriting', async () => {
    const list = await s.call('GET', '/api/templates', { headers: h });
    const ids = list.body.templates.map((t: { id: string }) => t.id);
    expect(ids).toContain('welcome-series');
    const first = await s.call('POST', '/api/templates/welcome-series/import', { headers: h });
    expect(first.status).toBe(201);
    expect(first.body.journey).toMatchObject({ id: 'welcome-series', status: 'draft' });
    const second = await s.call('POST', '/api/templates/welcome-series/import', { headers: h });
    expect(second.body.journey.id).toBe('welcome-series-2');
    const check = await s.call('POST', '/api/journeys/welcome-series/validate', { json: {}, headers: h });
    expect(check.body.ok).toBe(true);
    const missing = await s.call('POST', '/api/templates/nope/import', { headers: h });
    expect([missing.status, missing.body.error.field]).toEqual([404, 'id']);
  });

  it('renders an email preview for a stored customer and escapes HTML', async () => {
    await s.call('POST', '/api/identify', { json: { customerId: 'p1', email: 'p1@example.com', attributes: { first_name: '<b>Eve</b>' } }, headers: h });
    const res = await s.call('POST', '/api/preview/email', { json: { subject: 'Hi {{customer.first_name}}', html: '<p>Hi {{customer.first_name}}</p>', customerId: 'p1' }, headers: h });
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('Hi <b>Eve</b>');
    expect(res.body.html).toBe('<p>Hi &lt;b&gt;Eve&lt;/b&gt;</p>');
    const sample = await s.call('POST', '/api/preview/email', { json: { subject: 'Hi {{customer.first_name}}', html: 'x' }, headers: h });
    expect(sample.body.subject).toBe('Hi Ada');
    const unknown = await s.call('POST', '/api/preview/email', { json: { subject: 's', html: 'x', customerId: 'zz' }, headers: h });
    expect([unknown.status, unknown.body.error.field]).toEqual([404, 'body.customerId']);
    const bad = await s.call('POST', '/api/preview/email', { json: { subject: 's' }, headers: h });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'body.html']);
  });

  it('scores customers on demand and summarises them as insights', async () => {
    const batch = [];
    for (let c = 0; c < 30; c++) {
      for (let k = 0; k < 1 + (c % 4); k++) batch.push({ kind: 'order', customerId: `m${c}`, orderId: `m${c}-${k}`, orderedAt: new Date(Date.UTC(2023, (c + k * 3) % 12, 1 + k)).toISOString(), amount: 20 + c });
    }
    expect((await s.call('POST', '/api/batch', { json: { batch }, headers: h })).body.rejected).toEqual([]);
    expect((await s.call('GET', '/api/models/report', { headers: h })).body).toEqual({ report: null });
    const refreshed = await s.call('POST', '/api/models/refresh', { headers: h });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.report.customers).toBeGreaterThanOrEqual(30);
    const ins = await s.call('GET', '/api/insights', { headers: h });
    expect(ins.status).toBe(200);
    const staged = Object.values(ins.body.lifecycle as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(staged).toBe(refreshed.body.report.customers);
    expect(ins.body.clv.buckets[0]).toMatchObject({ from: 0, to: 10 });
    expect(ins.body.modelReport.version).toBe(refreshed.body.report.version);
  });
});
