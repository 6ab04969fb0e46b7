import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-server.ts';

let s: TestServer;
let h: Record<string, string>;
beforeAll(async () => {
  s = await startTestServer();
  h = await s.key('admin');
  await s.call('POST', '/api/batch', {
    headers: h,
    json: {
      batch: [
        { kind: 'identify', customerId: 'ann', email: 'ann@example.com', attributes: { first_name: 'Ann', plan: 'pro' }, consent: { email: true } },
        { kind: 'identify', customerId: 'bob', email: 'bob@example.com', attributes: { first_name: 'Bob', plan: 'free' } },
        { kind: 'track', customerId: 'ann', type: 'page_view', properties: { url: '/shoes' } },
        { kind: 'order', customerId: 'ann', orderId: 'A-1', orderedAt: '2024-02-01', amount: 80, items: ['shoe'] },
      ],
    },
  });
});
afterAll(() => s.close());

describe('customers API', () => {
  it('lists with search and paging, and gets one with orders', async () => {
    const all = await s.call('GET', '/api/customers?limit=1&offset=1', { headers: h });
    expect(all.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(all.body.customers.map((c: { id: string }) => c.id)).toEqual(['bob']);
    expect((await s.call('GET', '/api/customers?search=ann@', { headers: h })).body.customers.map((c: { id: string }) => c.id)).toEqual(['ann']);
    const one = await s.call('GET', '/api/customers/ann', { headers: h });
    expect(one.body.customer).toMatchObject({ id: 'ann', email: 'ann@example.com', consent: { email: true } });
    expect(one.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual(['A-1']);
    const bad = await s.call('GET', '/api/customers?limit=many', { headers: h });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'query.limit']);
    expect((await s.call('GET', '/api/customers/nobody', { headers: h })).status).toBe(404);
  });

  it('updates attributes and per-channel consent; bad input changes nothing', async () => {
    const up = await s.call('PATCH', '/api/customers/bob', { json: { attributes: { plan: 'pro', first_name: null } }, headers: h });
    expect(up.body.customer.attributes).toEqual({ plan: 'pro' });
    const consent = await s.call('PUT', '/api/customers/bob/consent', { json: { email: false, sms: true }, headers: h });
    expect(consent.body.customer.consent).toEqual({ email: false, sms: true });
    const before = await s.storage.customers.byExternalId('bob');
    for (const [method, url, json, field] of [
      ['PATCH', '/api/customers/bob', { email: 42 }, 'body.email'],
      ['PATCH', '/api/customers/bob', { customerId: 'other' }, 'body'],
      ['PUT', '/api/customers/bob/consent', { email: 'yes' }, 'body.email'],
    ] as const) {
      const res = await s.call(method, url, { json, headers: h });
      expect([url, res.status, res.body.error.field]).toEqual([url, 400, field]);
    }
    expect((await s.call('PATCH', '/api/customers/nobody', { json: { email: null }, headers: h })).status).toBe(404);
    expect(await s.storage.customers.byExternalId('bob')).toEqual(before);
  });

  it('exports everything held on a customer, then erases the personal data but keeps counts', async () => {
    const exp = await s.call('GET', '/api/customers/ann/export', { headers: h });
    expect(exp.status).toBe(200);
    expect(exp.headers.get('content-disposition')).toMatch(/attachment/);
    expect(exp.body.customer).toMatchObject({ externalId: 'ann', email: 'ann@example.com' });
    expect(exp.body.events.map((e: { type: string }) => e.type).sort()).toEqual(['page_view', 'purchase']);
    expect(exp.body.orders).toHaveLength(1);
    expect(exp.body).toHaveProperty('runs');
    expect(exp.body).toHaveProperty('messages');
    expect(exp.body).toHaveProperty('scores');

    const id = (await s.storage.customers.byExternalId('ann'))!.id;
    expect((await s.call('DELETE', '/api/customers/ann', { headers: h })).body).toEqual({ erased: true });
    expect((await s.call('GET', '/api/customers/ann', { headers: h })).status).toBe(404);
    const [row] = await s.storage.customers.get([id]);
    expect(row).toMatchObject({ email: null, attributes: {} });
    expect(JSON.stringify(await s.storage.events.list(id, {}))).not.toContain('/shoes');
    expect((await s.storage.orders.list(id)).map((o) => o.amount)).toEqual([80]);
    expect(await s.storage.customers.count()).toBe(2);
  });
});

describe('suppressions and segments', () => {
  it('adds, lists and removes suppressed addresses', async () => {
    expect((await s.call('POST', '/api/suppressions', { json: { entries: [{ email: 'Bounce@Example.com', reason: 'bounce' }] }, headers: h })).body).toEqual({ added: 1 });
    expect((await s.call('POST', '/api/suppressions', { json: { entries: [{ email: 'nope' }] }, headers: h })).body.error.field).toBe('body.entries.0.email');
    const list = await s.call('GET', '/api/suppressions', { headers: h });
    expect(list.body.suppressions).toEqual([expect.objectContaining({ email: 'bounce@example.com', reason: 'bounce' })]);
    expect((await s.call('DELETE', '/api/suppressions/bounce@example.com', { headers: h })).status).toBe(200);
    expect((await s.call('DELETE', '/api/suppressions/bounce@example.com', { headers: h })).status).toBe(404);
  });

  it('refuses a body nested deeper than the limit on any route, naming where, before any work', async () => {
    const depth = 5000;
    const deep = `${'{"not":'.repeat(depth)}{"attribute":"plan","op":"eq","value":"pro"}${'}'.repeat(depth)}`;
    for (const url of ['/api/segments/count', '/api/segments']) {
      const res = await s.call('POST', url, { body: `{"name":"deep","definition":${deep}}`, headers: { ...h, 'content-type': 'application/json' } });
      expect([url, res.status, res.body.error.code]).toEqual([url, 400, 'invalid_input']);
      expect(res.body.error.field).toMatch(/^body\.definition\.not\.not/);
      expect(res.body.error.message).toContain('nested deeper than 64 levels');
    }
    expect((await s.call('GET', '/api/segments', { headers: h })).body.segments.map((x: { name: string }) => x.name)).not.toContain('deep');
  });

  it('saves segments, refuses invalid ones with problems, and counts members', async () => {
    const def = { attribute: 'plan', op: 'eq', value: 'pro' };
    const count = await s.call('POST', '/api/segments/count', { json: { definition: def, limit: 5 }, headers: h });
    expect(count.status).toBe(200);
    expect(count.body.count).toBe(1);
    expect(count.body.preview.map((c: { id: string }) => c.id)).toEqual(['bob']);
    expect((await s.call('POST', '/api/segments', { json: { name: 'pros', definition: def }, headers: h })).status).toBe(200);
    const bad = await s.call('POST', '/api/segments', { json: { name: 'broken', definition: { attribute: 'plan', op: 'resembles' } }, headers: h });
    expect(bad.status).toBe(400);
    expect(bad.body.problems.length).toBeGreaterThan(0);
    expect((await s.call('GET', '/api/segments', { headers: h })).body.segments.map((x: { name: string }) => x.name)).toEqual(['pros']);
    expect((await s.call('DELETE', '/api/segments/pros', { headers: h })).body).toEqual({ deleted: true });
    const missing = await s.call('DELETE', '/api/segments/pros', { headers: h });
    expect([missing.status, missing.body.error.field]).toEqual([404, 'name']);
  });
});
