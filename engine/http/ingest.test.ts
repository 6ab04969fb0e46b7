import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_ZONES, underTz } from '../testing/tz.ts';
import { startTestServer, type TestServer } from './test-server.ts';

let s: TestServer;
let key: Record<string, string>;
beforeAll(async () => {
  s = await startTestServer();
  key = await s.key('track');
});
afterAll(() => s.close());

/** Row counts of every table a request could write. */
function counts() {
  const n = (t: string) => s.storage.raw.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get() as number;
  return { customers: n('customers'), events: n('events'), orders: n('orders') };
}

describe('tracking API', () => {
  it('identify creates then merges a customer; track and orders store events once per idempotency key', async () => {
    expect((await s.call('POST', '/api/identify', { json: { customerId: 'u1', email: 'u1@example.com', attributes: { plan: 'free' }, consent: { email: true } }, headers: key })).status).toBe(200);
    await s.call('POST', '/api/identify', { json: { customerId: 'u1', attributes: { plan: 'pro' } }, headers: key });
    expect(await s.storage.customers.byExternalId('u1')).toMatchObject({ email: 'u1@example.com', attributes: { plan: 'pro' }, consent: { email: true } });

    const ev = { customerId: 'u1', type: 'cart_add', properties: { sku: 'A' }, occurredAt: '2024-02-28T10:00:00Z', idempotencyKey: 'evt-1' };
    expect((await s.call('POST', '/api/track', { json: ev, headers: key })).body).toEqual({ ok: true, duplicate: false });
    expect((await s.call('POST', '/api/track', { json: ev, headers: key })).body).toEqual({ ok: true, duplicate: true });

    const order = { customerId: 'u1', orderId: 'o-1', orderedAt: '2024-02-28T11:00:00Z', amount: 42.5, items: ['A'] };
    expect((await s.call('POST', '/api/orders', { json: order, headers: key })).status).toBe(202);
    expect((await s.call('POST', '/api/orders', { json: order, headers: key })).body.duplicate).toBe(true);
    const id = (await s.storage.customers.byExternalId('u1'))!.id;
    expect((await s.storage.events.list(id, {})).map((e) => e.type).sort()).toEqual(['cart_add', 'purchase']);
    expect((await s.storage.orders.list(id)).map((o) => o.amount)).toEqual([42.5]);
  });

  it('bad input is a 4xx naming the field, and nothing is written', async () => {
    const before = counts();
    const cases: [string, { json?: unknown; body?: string; headers?: Record<string, string> }, number, string, string][] = [
      ['/api/track', { body: '{"customerId": "u9", "type": ', headers: { 'content-type': 'application/json' } }, 400, 'invalid_json', 'body'],
      ['/api/track', { json: { customerId: 'u9', type: 'has space' } }, 400, 'invalid_input', 'body.type'],
      ['/api/track', { json: { customerId: 'u9', type: 'x', properties: [1, 2] } }, 400, 'invalid_input', 'body.properties'],
      ['/api/track', { json: { customerId: 'u9', type: 'x', occurredAt: 'yesterday-ish' } }, 400, 'invalid_input', 'body.occurredAt'],
      ['/api/track', { body: 'customerId=u9', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type', 'body'],
      ['/api/identify', { json: { customerId: 'u9', email: 'not-an-email' } }, 400, 'invalid_input', 'body.email'],
      ['/api/identify', { json: { customerId: 'u9', timezone: 'Mars/Olympus' } }, 400, 'invalid_input', 'body.timezone'],
      ['/api/identify', { json: [{ customerId: 'u9' }] }, 400, 'invalid_input', 'body'],
      ['/api/orders', { json: { customerId: 'u9', orderId: 'o9', orderedAt: '2024-01-01', amount: '12' } }, 400, 'invalid_input', 'body.amount'],
      ['/api/orders', { json: { customerId: 'u9', orderId: 'o9', orderedAt: '2024-01-01', amount: -1 } }, 400, 'invalid_input', 'body.amount'],
      ['/api/orders', { json: { customerId: 'u9', orderedAt: '2024-01-01', amount: 1 } }, 400, 'invalid_input', 'body.orderId'],
      ['/api/track', { body: JSON.stringify({ customerId: 'u9', type: 'x', properties: { blob: 'x'.repeat(1_100_000) } }), headers: { 'content-type': 'application/json' } }, 413, 'payload_too_large', 'body'],
      ['/api/batch', { json: { batch: [] } }, 400, 'invalid_input', 'body.batch'],
      ['/api/batch', { json: { items: [] } }, 400, 'invalid_input', 'body.batch'],
    ];
    for (const [url, req, status, code, field] of cases) {
      const res = await s.call('POST', url, { ...req, headers: { ...key, ...req.headers } });
      expect([url, res.status, res.body.error?.code, res.body.error?.field]).toEqual([url, status, code, field]);
      expect(res.body.error.message).toContain(field === 'body' ? 'body' : field.slice(5));
    }
    expect(counts()).toEqual(before);
  });

  it('refuses deeply nested, oversized and broken-Unicode values before writing anything', async () => {
    const before = counts();
    const depth = 20_000;
    const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const json = { 'content-type': 'application/json' };
    const cases: [string, { json?: unknown; body?: string; headers?: Record<string, string> }, number, string, string][] = [
      ['/api/track', { body: `{"customerId":"deep1","type":"x","properties":${deep}}`, headers: json }, 400, 'invalid_input', 'body.properties.a.a.a'],
      ['/api/identify', { body: `{"customerId":"deep1","attributes":${deep}}`, headers: json }, 400, 'invalid_input', 'body.attributes.a.a.a'],
      ['/api/track', { json: { customerId: 'big1', type: 'x', properties: { blob: 'x'.repeat(70_000) } } }, 413, 'payload_too_large', 'body.properties'],
      ['/api/track', { json: { customerId: 'bad\uD800id', type: 'x' } }, 400, 'invalid_input', 'body.customerId'],
      ['/api/identify', { json: { customerId: '\uDC00' } }, 400, 'invalid_input', 'body.customerId'],
      ['/api/identify', { json: { customerId: 'ok1', attributes: { name: 'Ann \uD83D' } } }, 400, 'invalid_input', 'body.attributes.name'],
      ['/api/orders', { json: { customerId: 'ok1', orderId: 'o\uD800', orderedAt: '2024-01-01', amount: 1 } }, 400, 'invalid_input', 'body.orderId'],
    ];
    for (const [url, req, status, code, field] of cases) {
      const res = await s.call('POST', url, { ...req, headers: { ...key, ...req.headers } });
      expect([url, res.status, res.body.error?.code]).toEqual([url, status, code]);
      expect(res.body.error.field.startsWith(field)).toBe(true);
    }
    // A well-formed emoji (a surrogate pair) is fine.
    expect((await s.call('POST', '/api/identify', { json: { customerId: 'emoji-\uD83D\uDE00' }, headers: key })).status).toBe(200);
    const batch = await s.call('POST', '/api/batch', { json: { batch: [{ kind: 'track', customerId: 'x\uD800', type: 'v' }, { kind: 'identify', customerId: 'fine' }] }, headers: key });
    expect(batch.body.rejected.map((r: { field: string }) => r.field)).toEqual(['batch.0.customerId']);
    expect(counts()).toEqual({ ...before, customers: before.customers + 2 });
  });

  it('a batch accepts good items and rejects bad ones by index and field', async () => {
    const batch = [
      { kind: 'identify', customerId: 'b1', email: 'b1@example.com' },
      { kind: 'track', customerId: 'b1', type: 'view', idempotencyKey: 'b-evt-1' },
      { kind: 'track', customerId: 'b1', type: 'bad type' },
      { kind: 'order', customerId: 'b1', orderId: 'b-o1', orderedAt: '2024-02-01', amount: 10 },
      { kind: 'unknown', customerId: 'b1' },
      { kind: 'order', customerId: 'b1', orderId: 'b-o2', orderedAt: 'never', amount: 10 },
      'not an object',
    ];
    const res = await s.call('POST', '/api/batch', { json: { batch }, headers: key });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toEqual({ identify: 1, track: 1, order: 1 });
    expect(res.body.rejected.map((r: { index: number; field: string }) => [r.index, r.field])).toEqual([
      [2, 'batch.2.type'],
      [4, 'batch.4.kind'],
      [5, 'batch.5.orderedAt'],
      [6, 'batch.6'],
    ]);
    expect(res.body.rejected[0].reason).toMatch(/no spaces/);
    // A retry of the same batch changes nothing.
    const again = await s.call('POST', '/api/batch', { json: { batch }, headers: key });
    expect(again.body.accepted).toEqual({ identify: 1, track: 0, order: 0 });
    expect(again.body.duplicates).toBe(2);
    expect((await s.storage.orders.list((await s.storage.customers.byExternalId('b1'))!.id)).length).toBe(1);
  });

  it('reads times without an offset as UTC whatever the server zone, and refuses impossible dates naming the field', async () => {
    const stored = async (customerId: string) => (await s.storage.events.list((await s.storage.customers.byExternalId(customerId))!.id, {})).map((e) => [e.type, new Date(e.occurredAt).toISOString()]);
    for (const zone of SERVER_ZONES) {
      const id = `tz-${zone}`;
      await underTz(zone, async () => {
        expect((await s.call('POST', '/api/track', { json: { customerId: id, type: 'cart_add', occurredAt: '2024-03-01T00:30:00' }, headers: key })).status).toBe(202);
        const batch = [
          { kind: 'track', customerId: id, type: 'page_view', occurredAt: '2024-03-01 12:00' },
          { kind: 'order', customerId: id, orderId: `${id}-o1`, orderedAt: '2024-03-02', amount: 5 },
        ];
        expect((await s.call('POST', '/api/batch', { json: { batch }, headers: key })).body.rejected).toEqual([]);
      });
      expect((await stored(id)).sort()).toEqual([
        ['cart_add', '2024-03-01T00:30:00.000Z'],
        ['page_view', '2024-03-01T12:00:00.000Z'],
        ['purchase', '2024-03-02T00:00:00.000Z'],
      ]);
    }

    const before = counts();
    for (const bad of ['2024-02-30', 'garbage 2024', '10:00']) {
      const res = await s.call('POST', '/api/track', { json: { customerId: 'tz-bad', type: 'x', occurredAt: bad }, headers: key });
      expect([res.status, res.body.error?.field]).toEqual([400, 'body.occurredAt']);
      expect(res.body.error.message).toMatch(/not a valid time; use ISO 8601/);
      const batch = await s.call('POST', '/api/batch', { json: { batch: [{ kind: 'order', customerId: 'tz-bad', orderId: 'o', orderedAt: bad, amount: 1 }] }, headers: key });
      expect(batch.body.rejected.map((r: { field: string }) => r.field)).toEqual(['batch.0.orderedAt']);
    }
    expect(counts()).toEqual(before);
  });

  it('refuses an event or order dated in the future (a typo\'d year would count as a purchase nobody made yet)', async () => {
    const before = counts();
    // The server clock is 2024-03-01; a day of slack covers date-only values east of UTC.
    const res = await s.call('POST', '/api/track', { json: { customerId: 'future', type: 'cart_add', occurredAt: '2025-03-01T10:00:00Z' }, headers: key });
    expect([res.status, res.body.error?.field]).toEqual([400, 'body.occurredAt']);
    expect(res.body.error.message).toMatch(/2025-03-01T10:00:00.000Z is in the future \(now 2024-03-01T00:00:00.000Z\); send the time it happened/);
    const order = await s.call('POST', '/api/orders', { json: { customerId: 'future', orderId: 'f-1', orderedAt: '2024-01-03T00:00:00+00:00'.replace('2024', '2042'), amount: 5 }, headers: key });
    expect([order.status, order.body.error?.field]).toEqual([400, 'body.orderedAt']);
    const batch = await s.call('POST', '/api/batch', {
      json: { batch: [{ kind: 'track', customerId: 'future', type: 'page_view', occurredAt: '2024-02-29T23:00:00Z' }, { kind: 'order', customerId: 'future', orderId: 'f-2', orderedAt: '2024-03-05', amount: 5 }] },
      headers: key,
    });
    expect(batch.body.rejected.map((r: { field: string }) => r.field)).toEqual(['batch.1.orderedAt']);
    // Only the past page view was stored (and its new customer).
    expect(counts()).toEqual({ ...before, customers: before.customers + 1, events: before.events + 1 });
  });

  it('answers each of many concurrent track requests for its own event (they share one write)', async () => {
    const before = counts();
    const send = (customerId: string, occurredAt: string, idempotencyKey?: string) =>
      s.call('POST', '/api/track', { json: { customerId, type: 'page_view', occurredAt, ...(idempotencyKey ? { idempotencyKey } : {}) }, headers: key });
    const answers = await Promise.all([
      send('g1', '2024-02-01T10:00:00Z', 'k-1'),
      send('g2', '2024-02-01T10:00:00Z', 'k-1'), // the same key as the first: one of the two is the duplicate
      send('g3', '2031-01-01T00:00:00Z'), // in the future: refused, alone
      ...Array.from({ length: 20 }, (_, i) => send(`g-many-${i}`, '2024-02-02T10:00:00Z')),
    ]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 400, ...Array(20).fill(202)]);
    expect(answers.slice(0, 2).map((a) => a.body.duplicate).sort()).toEqual([false, true]);
    expect(answers[2]!.body.error.field).toBe('body.occurredAt');
    expect(counts()).toEqual({ ...before, customers: before.customers + 22, events: before.events + 21 });
  });

  it('answers concurrent order requests each for its own order, an id taken by another customer refused', async () => {
    const before = counts();
    const order = (customerId: string, orderId: string) => s.call('POST', '/api/orders', { json: { customerId, orderId, orderedAt: '2024-02-03T10:00:00Z', amount: 12.5 }, headers: key });
    const answers = await Promise.all([order('o1', 'g-o1'), order('o2', 'g-o1'), order('o1', 'g-o2'), order('o1', 'g-o2'), order('o3', 'g-o3')]);
    const statuses = answers.map((a) => a.status);
    // g-o1: whichever request was first owns it; the other customer's request is refused, naming the owner.
    expect(statuses.slice(0, 2).sort()).toEqual([202, 400]);
    const refused = answers.slice(0, 2).find((a) => a.status === 400)!;
    expect(refused.body.error.field).toBe('body.orderId');
    expect(refused.body.error.message).toMatch(/order "g-o1" is already stored for customer "o[12]"/);
    // g-o2 twice for the same customer: stored once, the repeat answered as a duplicate.
    expect(answers.slice(2, 4).map((a) => a.body.duplicate).sort()).toEqual([false, true]);
    expect(answers[4]!.status).toBe(202);
    // Three orders, each with its purchase event; o1 and o3 are customers, o2 only if it won g-o1 (a refused order creates no customer).
    const o2Won = answers[1]!.status === 202;
    expect(counts()).toEqual({ customers: before.customers + 2 + (o2Won ? 1 : 0), events: before.events + 3, orders: before.orders + 3 });
  });

  it('refuses epoch seconds sent as milliseconds (1970) and a year before 1973, alone and in a batch, saying how to fix it', async () => {
    const before = counts();
    const res = await s.call('POST', '/api/orders', { json: { customerId: 'secs', orderId: 's-1', orderedAt: 1709200000, amount: 5 }, headers: key });
    expect([res.status, res.body.error?.field]).toEqual([400, 'body.orderedAt']);
    expect(res.body.error.message).toBe('body.orderedAt: 1970-01-20T18:46:40.000Z is before 1973: epoch milliseconds have 13 digits (seconds × 1000, e.g. 1714557600000); otherwise check the year');
    const batch = await s.call('POST', '/api/batch', {
      json: { batch: [{ kind: 'track', customerId: 'secs', type: 'x', occurredAt: 1709200000000 }, { kind: 'track', customerId: 'secs', type: 'x', occurredAt: '0024-02-01' }] },
      headers: key,
    });
    expect(batch.body.rejected.map((r: { field: string }) => r.field)).toEqual(['batch.1.occurredAt']);
    // Only the millisecond event was stored (and its new customer).
    expect(counts()).toEqual({ ...before, customers: before.customers + 1, events: before.events + 1 });
  });

  it('says how a batch is shaped when it comes as a bare list or without its batch field', async () => {
    const bare = await s.call('POST', '/api/batch', { json: [{ kind: 'track', customerId: 'shape', type: 'x' }], headers: key });
    expect([bare.status, bare.body.error.field, bare.body.error.message]).toEqual([400, 'body', 'body: send an object whose batch lists the items: {"batch": [{"kind": "track", …}, …]}']);
    const items = await s.call('POST', '/api/batch', { json: { items: [] }, headers: key });
    expect(items.status).toBe(400);
    expect(items.body.error.message).toContain('body.batch: send the items as a list: {"batch": [{"kind": "track", …}, …]}');
  });

  it('refuses a batch over 10,000 items naming the field, writing nothing', async () => {
    const before = counts();
    const batch = Array.from({ length: 10_001 }, (_, i) => ({ kind: 'track', customerId: `big${i}`, type: 'x' }));
    const res = await s.call('POST', '/api/batch', { json: { batch }, headers: key });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', field: 'body.batch' });
    expect(res.body.error.message).toMatch(/10000/);
    expect(counts()).toEqual(before);
  });

  it('takes a full 10,000-item batch', async () => {
    const batch = Array.from({ length: 10_000 }, (_, i) => ({ kind: 'track', customerId: `bulk${i % 500}`, type: 'page_view', idempotencyKey: `bulk-${i}` }));
    const res = await s.call('POST', '/api/batch', { json: { batch }, headers: key });
    expect(res.status).toBe(200);
    expect(res.body.accepted.track).toBe(10_000);
  });
});

describe('ingestion rate limit', () => {
  // One request per second counted over 3 s windows: 3 requests per key per window, far from any window edge.
  const limits = { ingestPerSecond: 1, ingestWindowMs: 3000 };
  const track = (t: TestServer, headers: Record<string, string>) => t.call('POST', '/api/track', { json: { customerId: 'r', type: 'x' }, headers });
  const keyWith = async (t: TestServer, admin: Record<string, string>, rateLimit: number | null) => {
    const res = await t.call('POST', '/api/keys', { json: { name: `rate ${rateLimit}`, scope: 'track', rateLimit }, headers: admin });
    expect(res.status).toBe(201);
    return { authorization: `Bearer ${res.body.key}` };
  };

  it('answers 429 with Retry-After past the per-key limit; another key has its own budget', async () => {
    const t = await startTestServer({ limits });
    try {
      const k = await t.key('track');
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await track(t, k));
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 429]);
      expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(answers[3]!.body.error.message).toMatch(/at most 1 per second for this key.*--rate-limit/);
      expect((await track(t, await t.key('track'))).status).toBe(202);
    } finally {
      await t.close();
    }
  });

  it("follows a key's own limit, and none for a trusted key (rateLimit 0)", async () => {
    const t = await startTestServer({ limits });
    try {
      const admin = await t.login();
      const trusted = await keyWith(t, admin, 0);
      const busy = await keyWith(t, admin, 2);
      const statuses = async (k: Record<string, string>, n: number) => {
        const out = [];
        for (let i = 0; i < n; i++) out.push((await track(t, k)).status);
        return out;
      };
      expect(await statuses(trusted, 20)).toEqual(Array(20).fill(202));
      expect(await statuses(busy, 7)).toEqual([...Array(6).fill(202), 429]);
      expect((await t.call('GET', '/api/keys', { headers: admin })).body.keys.map((k: { rateLimit: number | null }) => k.rateLimit)).toEqual([0, 2]);
    } finally {
      await t.close();
    }
  });

  it('refuses a negative key limit, naming the field', async () => {
    const t = await startTestServer();
    try {
      const res = await t.call('POST', '/api/keys', { json: { name: 'x', scope: 'track', rateLimit: -1 }, headers: await t.login() });
      expect([res.status, res.body.error.field]).toEqual([400, 'body.rateLimit']);
    } finally {
      await t.close();
    }
  });
});

describe('tracking API: what a newcomer gets wrong is refused, not dropped', () => {
  it('identify refuses an unknown field, naming it and the fields it takes', async () => {
    const before = counts();
    const res = await s.call('POST', '/api/identify', { json: { customerId: 'n1', plan: 'pro' }, headers: key });
    expect([res.status, res.body.error?.field]).toEqual([400, 'body']);
    expect(res.body.error.message).toBe('body: unknown field "plan"; the fields are customerId, email, attributes, timezone, consent (put your own traits in attributes)');
    const batch = await s.call('POST', '/api/batch', { json: { batch: [{ kind: 'identify', customerId: 'n1', emial: 'n1@example.com' }] }, headers: key });
    expect(batch.body.rejected).toEqual([{ index: 0, field: 'batch.0', reason: expect.stringContaining('unknown field "emial"') }]);
    expect(counts()).toEqual(before);
  });

  it('track and orders refuse an unknown field too, alone and in a batch, naming it and the fields they take', async () => {
    const before = counts();
    // A property put beside `properties` instead of inside it, and a misspelt order field.
    const track = await s.call('POST', '/api/track', { json: { customerId: 'n1', type: 'cart_add', sku: 'A-1' }, headers: key });
    expect([track.status, track.body.error?.field]).toEqual([400, 'body']);
    expect(track.body.error.message).toBe('body: unknown field "sku"; the fields are customerId, type, properties, occurredAt, idempotencyKey (put your own data in properties)');
    const order = await s.call('POST', '/api/orders', { json: { customerId: 'n1', orderId: 'o-n1', orderedAt: '2024-03-01T10:00:00Z', amount: 10, currency: 'EUR' }, headers: key });
    expect([order.status, order.body.error?.field]).toEqual([400, 'body']);
    expect(order.body.error.message).toBe('body: unknown field "currency"; the fields are customerId, orderId, orderedAt, amount, quantity, items');
    const batch = await s.call('POST', '/api/batch', {
      json: {
        batch: [
          { kind: 'track', customerId: 'n1', type: 'cart_add', propertes: { sku: 'A-1' } },
          { kind: 'order', customerId: 'n1', orderId: 'o-n2', orderedAt: '2024-03-01T10:00:00Z', amount: 10, total: 10 },
          { kind: 'track', customerId: 'n1', type: 'cart_add', properties: { sku: 'A-1' } },
        ],
      },
      headers: key,
    });
    expect(batch.body.rejected).toEqual([
      { index: 0, field: 'batch.0', reason: 'batch.0: unknown field "propertes"; the fields are kind, customerId, type, properties, occurredAt, idempotencyKey (put your own data in properties)' },
      { index: 1, field: 'batch.1', reason: 'batch.1: unknown field "total"; the fields are kind, customerId, orderId, orderedAt, amount, quantity, items' },
    ]);
    expect(batch.body.accepted).toEqual({ identify: 0, track: 1, order: 0 });
    expect(counts().events).toBe(before.events + 1);
    expect(counts().orders).toBe(before.orders);
  });

  it('refuses an impossible date attribute, naming the attribute, and keeps a real one', async () => {
    const res = await s.call('POST', '/api/identify', { json: { customerId: 'n2', attributes: { birthday: '2024-02-30' } }, headers: key });
    expect([res.status, res.body.error?.field]).toEqual([400, 'body.attributes.birthday']);
    expect(res.body.error.message).toBe('body.attributes.birthday: "2024-02-30" is not a real date; write it as 1990-05-17 (or --05-17 without a year)');
    expect(await s.storage.customers.byExternalId('n2')).toBeNull();
    expect((await s.call('POST', '/api/identify', { json: { customerId: 'n2', attributes: { birthday: '--02-29', plan: '2024 gold' } }, headers: key })).status).toBe(200);
  });

  it('takes epoch milliseconds as a number and says so when they come as text', async () => {
    expect((await s.call('POST', '/api/track', { json: { customerId: 'n3', type: 'x', occurredAt: 1709200000000 }, headers: key })).status).toBe(202);
    const res = await s.call('POST', '/api/track', { json: { customerId: 'n3', type: 'x', occurredAt: '1709200000000' }, headers: key });
    expect([res.status, res.body.error?.field]).toEqual([400, 'body.occurredAt']);
    expect(res.body.error.message).toContain('epoch milliseconds must be a number, not text: send 1709200000000 without quotes');
  });

  it("refuses an order id already stored for another customer, alone and in a batch", async () => {
    const order = { customerId: 'n4', orderId: 'n-o1', orderedAt: '2024-02-01', amount: 10 };
    expect((await s.call('POST', '/api/orders', { json: order, headers: key })).status).toBe(202);
    const res = await s.call('POST', '/api/orders', { json: { ...order, customerId: 'n5' }, headers: key });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('orderId: order "n-o1" is already stored for customer "n4"');
    const batch = await s.call('POST', '/api/batch', { json: { batch: [{ kind: 'order', ...order, customerId: 'n5' }, { kind: 'order', ...order }] }, headers: key });
    expect(batch.body).toMatchObject({ ok: false, accepted: { order: 0 }, duplicates: 1 });
    expect(batch.body.rejected).toEqual([{ index: 0, field: 'batch.0.orderId', reason: expect.stringContaining('batch.0.orderId: order "n-o1" is already stored for customer "n4"') }]);
    // The refused order left no customer "n5" behind (a prospect with no orders, for segments and journeys to count).
    expect(await s.storage.customers.byExternalId('n5')).toBeNull();
    // Two customers given one new order id in one batch: the first keeps it, the second is refused and not created.
    const twice = await s.call('POST', '/api/batch', { json: { batch: [{ kind: 'order', ...order, orderId: 'n-o2', customerId: 'n6' }, { kind: 'order', ...order, orderId: 'n-o2', customerId: 'n7' }] }, headers: key });
    expect(twice.body.rejected).toEqual([{ index: 1, field: 'batch.1.orderId', reason: expect.stringContaining('batch.1.orderId: order "n-o2" is already stored for customer "n6"') }]);
    expect(await s.storage.customers.byExternalId('n7')).toBeNull();
  });
});
