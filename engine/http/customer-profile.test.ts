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
        { kind: 'identify', customerId: 'ann', email: 'ann@example.com', attributes: { first_name: 'Ann' }, consent: { email: true } },
        { kind: 'identify', customerId: 'bob', email: 'bob@example.com' },
        ...Array.from({ length: 5 }, (_, i) => ({ kind: 'track', customerId: 'ann', type: 'page_view', properties: { n: i }, occurredAt: `2024-02-0${i + 1}T00:00:00Z` })),
        { kind: 'order', customerId: 'ann', orderId: 'A-1', orderedAt: '2024-02-01', amount: 80 },
      ],
    },
  });
  const ann = (await s.storage.customers.byExternalId('ann'))!.id;
  const at = Date.parse('2024-02-10T00:00:00Z');
  await s.storage.suppressions.add([{ email: 'ann@example.com', reason: 'bounce' }], at);
  await s.storage.scores.put([{ customerId: ann, model: 'churn', value: 0.2, data: { pAlive: 0.8 }, modelVersion: 'v1', scoredAt: at }]);
  await s.storage.journeys.saveDraft({ id: 'welcome', name: 'Welcome', draft: { nodes: [], edges: [] } }, at);
  const run = { id: 1, journeyId: 'welcome', version: 1, customerId: ann, nodeId: 'wait-3d', visit: 2, status: 'waiting' as const, wakeAt: at + 1, waitEvent: null, wait: { since: at }, enteredAt: at, nodeEnteredAt: at, updatedAt: at, endedAt: null, endReason: null, state: {}, error: null };
  const outbox = [{ key: '1:mail:1', runId: 1, journeyId: 'welcome', nodeId: 'mail', customerId: ann, kind: 'email', payload: {} }];
  await s.storage.runs.commit([{ eventIds: [], inserts: [run], updates: [], history: [], outbox, counters: [], profiles: [] }], at);
  await s.storage.outbox.settle([{ key: '1:mail:1', status: 'sent' }], at);
});
afterAll(() => s.close());

describe('customer profile API', () => {
  it('finds a customer by email and shows the whole profile in one call', async () => {
    const found = await s.call('GET', '/api/customers?search=ann@example', { headers: h });
    expect(found.body.customers.map((c: { id: string }) => c.id)).toEqual(['ann']);

    const p = (await s.call('GET', '/api/customers/ann/profile?events=3', { headers: h })).body;
    expect(p.customer).toMatchObject({ id: 'ann', email: 'ann@example.com', consent: { email: true } });
    expect(p.suppression).toMatchObject({ email: 'ann@example.com', reason: 'bounce' });
    expect(p.scores).toEqual([{ model: 'churn', value: 0.2, data: { pAlive: 0.8 }, modelVersion: 'v1', scoredAt: Date.parse('2024-02-10T00:00:00Z') }]);
    expect(p.orders.map((o: { orderId: string; amount: number }) => [o.orderId, o.amount])).toEqual([['A-1', 80]]);
    // The newest three page views: paged by the `events` limit.
    expect(p.events.map((e: { properties: { n: number } }) => e.properties.n)).toEqual([4, 3, 2]);
    expect(p.messages).toEqual([expect.objectContaining({ journeyId: 'welcome', nodeId: 'mail', kind: 'email', status: 'sent' })]);
    expect(p.journeys).toEqual([expect.objectContaining({ journeyId: 'welcome', journeyName: 'Welcome', status: 'waiting', nodeId: 'wait-3d' })]);
  });

  it('says which customer is missing and rejects a bad page size', async () => {
    const missing = await s.call('GET', '/api/customers/nobody/profile', { headers: h });
    expect([missing.status, missing.body.error.field]).toEqual([404, 'externalId']);
    const bad = await s.call('GET', '/api/customers/bob/profile?events=0', { headers: h });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'query.events']);
  });

  it('keeps export and erase to admins: an editor gets 403 and the customer stays', async () => {
    const admin = await s.login();
    await s.call('POST', '/api/users', { json: { email: 'ed@example.com', password: 'another long password', role: 'editor' }, headers: admin });
    const editor = await s.login('ed@example.com', 'another long password');
    expect((await s.call('GET', '/api/customers/bob/export', { headers: editor })).status).toBe(403);
    expect((await s.call('DELETE', '/api/customers/bob', { headers: editor })).status).toBe(403);
    expect(await s.storage.customers.byExternalId('bob')).toMatchObject({ email: 'bob@example.com' });
    expect((await s.call('GET', '/api/customers/bob/profile', { headers: editor })).status).toBe(200);
  });
});
