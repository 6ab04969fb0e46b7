import { afterEach, describe, expect, it } from 'vitest';
import { refreshSegments } from '../jobs/segment-refresh.ts';
import { startTestSmtp } from '../messaging/test-smtp.ts';
import { startTestServer, type TestServer } from './test-server.ts';

let close: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of close.splice(0).reverse()) await c();
});

const mailJourney = (from?: string) => ({
  nodes: [
    { id: 'start', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'hello', type: 'action.email', config: { subject: 'Hello {{default customer.first_name "there"}}', html: '<p>Shop at <a href="{{brand.shopUrl}}">{{brand.shopName}}</a></p>', ...(from ? { from } : {}) } },
  ],
  edges: [{ id: 'e', source: 'start', sourceHandle: 'next', target: 'hello' }],
});
const BRAND = { shopName: 'Acme', shopUrl: 'https://acme.test', senderName: 'Acme', senderAddress: 'hi@acme.test' };

async function server(env: Record<string, string> = {}): Promise<{ s: TestServer; h: Record<string, string> }> {
  const s = await startTestServer({ env });
  close.push(() => s.close());
  return { s, h: await s.key('admin') };
}

async function draft(s: TestServer, h: Record<string, string>, name: string, graph: unknown): Promise<string> {
  const id = (await s.call('POST', '/api/journeys', { json: { name, graph }, headers: h })).body.journey.id as string;
  return id;
}

describe('safe publishing API', () => {
  it('refuses to publish a journey whose email would never be delivered, naming the node and the fix; the checklist lists it', async () => {
    const { s, h } = await server();
    const id = await draft(s, h, 'Welcome', mailJourney());
    const checklist = await s.call('GET', `/api/journeys/${id}/checklist`, { headers: h });
    expect(checklist.body.items.map((i: { code: string; severity: string }) => `${i.severity}:${i.code}`)).toEqual(['block:email_not_configured', 'block:missing_sender', 'block:missing_brand', 'block:missing_brand']);
    const refused = await s.call('POST', `/api/journeys/${id}/publish`, { headers: h });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('publish_blocked');
    expect(refused.body.error.message).toContain(`journey "${id}" cannot be published until these are fixed:`);
    expect(refused.body.error.message).toMatch(/email is not configured, so nothing this journey sends would be delivered \("hello"\): set FORESIGHT_SMTP_URL(, [A-Z_]+)* and restart the server/);
    expect(refused.body.error.message).toContain('node "hello": html shows {{brand.shopUrl}}, but the brand has no shop URL: set it in Settings → Brand');
    expect(refused.body.problems).toHaveLength(4);
    expect((await s.storage.journeys.get(id))!.status).toBe('draft');
  });

  it('publishes once mail and brand are set; the brand is kept behind auth and checked field by field; a test send arrives', async () => {
    const smtp = await startTestSmtp();
    close.push(() => smtp.close());
    const { s, h } = await server({ FORESIGHT_SMTP_URL: smtp.url, FORESIGHT_PUBLIC_URL: 'http://127.0.0.1:1', FORESIGHT_SECRET: 'x'.repeat(40), FORESIGHT_MAIL_FROM: 'Ops <ops@acme.test>' });
    const id = await draft(s, h, 'Welcome', mailJourney());
    expect((await s.call('GET', '/api/brand')).status).toBe(401);
    const bad = await s.call('PUT', '/api/brand', { json: { ...BRAND, shopUrl: 'acme.test' }, headers: h });
    expect([bad.status, bad.body.error.field, bad.body.error.message]).toEqual([400, 'brand.shopUrl', 'brand.shopUrl: give the full shop address, e.g. https://shop.example.org']);
    expect((await s.call('PUT', '/api/brand', { json: BRAND, headers: h })).body.brand).toEqual(BRAND);
    expect((await s.call('GET', '/api/brand', { headers: h })).body.brand).toEqual(BRAND);
    expect((await s.call('GET', `/api/journeys/${id}/checklist`, { headers: h })).body.items).toEqual([]);

    await s.call('POST', '/api/identify', { json: { customerId: 'ann', email: 'ann@example.com', attributes: { first_name: 'Ann' } }, headers: h });
    const sent = await s.call('POST', `/api/journeys/${id}/nodes/hello/test-send`, { json: { to: 'me@acme.test', customerId: 'ann' }, headers: h });
    expect(sent.body).toEqual({ sent: { to: 'me@acme.test', subject: '[Test] Hello Ann' } });
    expect(smtp.mails.map((m) => m.subject)).toEqual(['[Test] Hello Ann']);
    const failed = await s.call('POST', `/api/journeys/${id}/nodes/start/test-send`, { json: { to: 'me@acme.test' }, headers: h });
    expect([failed.status, failed.body.error.message]).toEqual([400, 'node "start" is a trigger.event; only email nodes (action.email) can be sent as a test']);

    const published = await s.call('POST', `/api/journeys/${id}/publish`, { headers: h });
    expect(published.body).toMatchObject({ version: 1, checklist: [] });

    // Test sends are few a minute per user (refused ones count): the 11th within the minute is refused with Retry-After, and not sent.
    for (let i = 3; i <= 10; i++) expect((await s.call('POST', `/api/journeys/${id}/nodes/hello/test-send`, { json: { to: 'me@acme.test' }, headers: h })).status).toBe(200);
    const eleventh = await s.call('POST', `/api/journeys/${id}/nodes/hello/test-send`, { json: { to: 'me@acme.test' }, headers: h });
    expect([eleventh.status, eleventh.body.error.message]).toEqual([429, 'too many test sends; at most 10 a minute; wait for Retry-After']);
    expect(Number(eleventh.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(smtp.mails).toHaveLength(9);
  });

  it('lets the marketer choose who of a segment’s current members enters: only those who enter from now on, or all of them', async () => {
    const { s, h } = await server();
    await s.call('POST', '/api/segments', { json: { name: 'gold', definition: { attribute: 'plan', op: 'eq', value: 'gold' } }, headers: h });
    for (const c of ['a', 'b', 'c']) await s.call('POST', '/api/identify', { json: { customerId: c, attributes: { plan: 'gold' } }, headers: h });
    const graph = {
      nodes: [
        { id: 'enter', type: 'trigger.segment', config: { segment: 'gold' } },
        { id: 'wait', type: 'wait.delay', config: { duration: '30d' } },
      ],
      edges: [{ id: 'e', source: 'enter', sourceHandle: 'next', target: 'wait' }],
    };
    const later = await draft(s, h, 'From now on', graph);
    const all = await draft(s, h, 'Everyone', graph);
    expect((await s.call('GET', `/api/journeys/${later}/checklist`, { headers: h })).body.audience).toEqual([{ nodeId: 'enter', segment: 'gold', members: 3 }]);
    const bad = await s.call('POST', `/api/journeys/${later}/publish?audience=all`, { headers: h });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'query.audience']);
    expect(bad.body.error.message).toBe("query.audience: use include or new (include: the segment's current members enter too; new: only customers who enter it from now on)");

    expect((await s.call('POST', `/api/journeys/${later}/publish?audience=new`, { headers: h })).body).toMatchObject({ version: 1, entering: 0 });
    expect((await s.call('POST', `/api/journeys/${all}/publish?audience=include`, { headers: h })).body).toMatchObject({ version: 1, entering: 3 });
    await s.running.engine.runUntilIdle();
    const entered = async (id: string) => (await s.call('GET', `/api/journeys/${id}/stats`, { headers: h })).body.entered;
    expect([await entered(later), await entered(all)]).toEqual([0, 3]);

    // The next scheduled refresh brings no burst; a customer who joins later enters both.
    s.clock.advance(60 * 60_000);
    await refreshSegments(s.storage, s.clock);
    await s.running.engine.runUntilIdle();
    expect([await entered(later), await entered(all)]).toEqual([0, 3]);
    await s.call('POST', '/api/identify', { json: { customerId: 'd', attributes: { plan: 'gold' } }, headers: h });
    await refreshSegments(s.storage, s.clock);
    await s.running.engine.runUntilIdle();
    expect([await entered(later), await entered(all)]).toEqual([1, 4]);
  });

  it('counts people, not entries, when a member is in two of the trigger segments', async () => {
    const { s, h } = await server();
    for (const name of ['gold', 'gold-too']) await s.call('POST', '/api/segments', { json: { name, definition: { attribute: 'plan', op: 'eq', value: 'gold' } }, headers: h });
    for (const c of ['a', 'b']) await s.call('POST', '/api/identify', { json: { customerId: c, attributes: { plan: 'gold' } }, headers: h });
    const id = await draft(s, h, 'Two doors', {
      nodes: [
        { id: 'one', type: 'trigger.segment', config: { segment: 'gold' } },
        { id: 'two', type: 'trigger.segment', config: { segment: 'gold-too' } },
        { id: 'wait', type: 'wait.delay', config: { duration: '30d' } },
      ],
      edges: [
        { id: 'e1', source: 'one', sourceHandle: 'next', target: 'wait' },
        { id: 'e2', source: 'two', sourceHandle: 'next', target: 'wait' },
      ],
    });
    // Four entry events were queued (two segments × two customers); two people enter.
    expect((await s.call('POST', `/api/journeys/${id}/publish?audience=include`, { headers: h })).body).toMatchObject({ version: 1, entering: 2 });
    await s.running.engine.runUntilIdle();
    // Publishing again with the same choice: both are already in (waiting 30 days), so nobody enters, and it says so.
    expect((await s.call('POST', `/api/journeys/${id}/publish?audience=include`, { headers: h })).body).toMatchObject({ version: 2, entering: 0 });
    await s.running.engine.runUntilIdle();
    expect((await s.call('GET', `/api/journeys/${id}/stats`, { headers: h })).body.entered).toBe(2);
  });
  it('keeps a product catalogue: add, list, remove, with field-named errors', async () => {
    const { s, h } = await server();
    const put = await s.call('PUT', '/api/products', { json: { products: [{ itemId: 'tent', name: 'Trail tent', url: 'https://acme.test/p/tent', price: 199 }] }, headers: h });
    expect(put.body).toEqual({ written: 1 });
    expect((await s.call('GET', '/api/products', { headers: h })).body).toEqual({ products: [{ itemId: 'tent', name: 'Trail tent', url: 'https://acme.test/p/tent', imageUrl: null, price: 199, category: null }], total: 1 });
    const bad = await s.call('PUT', '/api/products', { json: { products: [{ itemId: 'x', name: 'X', url: 'acme/x' }] }, headers: h });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'body.products.0.url']);
    expect((await s.call('DELETE', '/api/products/tent', { headers: h })).status).toBe(200);
    expect((await s.call('DELETE', '/api/products/tent', { headers: h })).status).toBe(404);
  });
});

describe('draft status', () => {
  it('says when a live journey’s saved draft differs from the published version; moving nodes is not a change', async () => {
    const { s, h } = await server();
    const graph = { nodes: [{ id: 'start', type: 'trigger.event', config: { event: 'signup' }, position: { x: 0, y: 0 } }, { id: 'wait', type: 'wait.delay', config: { duration: '1d' }, position: { x: 0, y: 100 } }], edges: [{ id: 'e', source: 'start', sourceHandle: 'next', target: 'wait' }] };
    const id = await draft(s, h, 'Plain', graph);
    const status = async () => (await s.call('GET', `/api/journeys/${id}/draft-status`, { headers: h })).body;
    expect(await status()).toEqual({ liveVersion: null, draftDiffers: false });
    await s.call('POST', `/api/journeys/${id}/publish`, { headers: h });
    expect(await status()).toEqual({ liveVersion: 1, draftDiffers: false });
    const moved = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, position: { x: n.position.x + 50, y: n.position.y } })) };
    await s.call('PUT', `/api/journeys/${id}/draft`, { json: { graph: moved }, headers: h });
    expect(await status()).toEqual({ liveVersion: 1, draftDiffers: false });
    const edited = { ...moved, nodes: moved.nodes.map((n) => (n.id === 'wait' ? { ...n, config: { duration: '2d' } } : n)) };
    await s.call('PUT', `/api/journeys/${id}/draft`, { json: { graph: edited }, headers: h });
    expect(await status()).toEqual({ liveVersion: 1, draftDiffers: true });
  });
});
