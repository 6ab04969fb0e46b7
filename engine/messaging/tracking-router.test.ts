import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';
import { MessageLinks, TEST_MESSAGE_PREFIX } from './links.ts';
import { createTrackingRouter } from './tracking-router.ts';

const SECRET = 'router-secret-router-secret-router-secret';

let close: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of close.reverse()) await c();
  close = [];
});

async function setup(): Promise<{ h: Harness; base: string; links: MessageLinks; customerId: number }> {
  const h = createHarness({ start: '2024-05-01T10:00:00Z' });
  close.push(() => h.close());
  const app = express();
  app.use('/t', createTrackingRouter({ storage: h.storage, clock: h.clock, secret: SECRET }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  close.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await h.identify([{ customerId: 'ann', email: 'ann@example.com' }]);
  const customerId = await h.customerId('ann');
  return { h, base, customerId, links: new MessageLinks(base, SECRET, { customerId, key: '1:m:1', journeyId: 'j', nodeId: 'm' }) };
}

describe('tracking router', () => {
  it('refuses forged, foreign-secret and wrong-route tokens without changing anything', async () => {
    const { h, base, links, customerId } = await setup();
    const foreign = new MessageLinks(base, 'another-secret-another-secret-another', { customerId, key: '1:m:1', journeyId: 'j', nodeId: 'm' });
    const openToken = links.openPixel.split('/').pop()!;
    const attempts: [string, string][] = [
      ['POST', foreign.unsubscribe],
      ['POST', `${base}/t/unsubscribe/${openToken}`], // an open token cannot unsubscribe
      ['GET', `${base}/t/click/${openToken}`],
      ['GET', `${base}/t/open/not-a-token`],
      ['POST', `${links.unsubscribe}x`],
    ];
    for (const [method, url] of attempts) {
      const res = await fetch(url, { method, redirect: 'manual' });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(await res.text()).toContain('Link not valid');
    }
    expect((await h.storage.customers.get([customerId]))[0]!.unsubscribedAt).toBeNull();
    expect(await h.storage.events.list(customerId, {})).toEqual([]);
  });

  it('records an unsubscribe once, however often the link is used, and the event reaches journeys', async () => {
    const { h, links, customerId } = await setup();
    for (let i = 0; i < 3; i++) expect((await fetch(links.unsubscribe, { method: 'POST' })).status).toBe(200);
    const events = await h.storage.events.list(customerId, {});
    expect(events.map((e) => [e.type, e.properties])).toEqual([['email_unsubscribed', { journeyId: 'j', nodeId: 'm', message: '1:m:1' }]]);
    expect((await h.storage.customers.get([customerId]))[0]!.unsubscribedAt).toBe(Date.parse('2024-05-01T10:00:00Z'));
    // Stored unprocessed, so the engine's next tick can end runs that exit on it.
    expect(await h.storage.events.unprocessedCount()).toBe(1);
  });

  it('records one click per link and message, and redirects every time', async () => {
    const { h, links, customerId } = await setup();
    for (const url of ['https://a.example/x', 'https://a.example/x', 'https://b.example/y']) {
      const res = await fetch(links.click(url), { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(url);
    }
    const clicks = await h.storage.events.list(customerId, { type: 'email_clicked' });
    expect(clicks.map((e) => e.properties.url).sort()).toEqual(['https://a.example/x', 'https://b.example/y']);
  });
  it('answers a test send’s open, click and unsubscribe like any other, but records nothing for the customer whose data it borrowed', async () => {
    const { h, base, customerId } = await setup();
    const test = new MessageLinks(base, SECRET, { customerId, key: `${TEST_MESSAGE_PREFIX}abc`, journeyId: 'j', nodeId: 'm' });
    expect((await fetch(test.openPixel)).status).toBe(200);
    const click = await fetch(test.click('https://shop.example/x'), { redirect: 'manual' });
    expect([click.status, click.headers.get('location')]).toEqual([302, 'https://shop.example/x']);
    expect((await fetch(test.unsubscribe, { method: 'POST' })).status).toBe(200);
    expect(await h.storage.events.list(customerId, {})).toEqual([]);
    expect((await h.storage.customers.get([customerId]))[0]!.unsubscribedAt).toBeNull();
  });
});
