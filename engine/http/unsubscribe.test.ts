import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSmtp } from '../messaging/test-smtp.ts';
import { mailGraph } from '../testing/mail-world.ts';
import { startMailTestServer, type TestServer } from './test-server.ts';

const journey = mailGraph('cart_abandoned', { subject: 'Your cart, {{customer.first_name}}', html: '<p>Come back</p>', text: 'Come back' }, { settings: { reentry: 'always' } });

let smtp: TestSmtp;
let s: TestServer;
let h: Record<string, string>;
beforeAll(async () => {
  ({ server: s, smtp } = await startMailTestServer());
  h = await s.key('admin');
});
afterAll(async () => {
  await s.close();
  await smtp.close();
});

describe('unsubscribe and suppression through the whole server', () => {
  it('a customer who unsubscribed (one-click link) or is suppressed receives nothing from any journey', async () => {
    const created = await s.call('POST', '/api/journeys', { json: { name: 'Cart', graph: journey }, headers: h });
    expect((await s.call('POST', `/api/journeys/${created.body.journey.id}/publish`, { headers: h })).body).toMatchObject({ version: 1 });
    await s.call('POST', '/api/batch', {
      headers: h,
      json: {
        batch: [
          { kind: 'identify', customerId: 'ann', email: 'ann@example.com', attributes: { first_name: 'Ann' }, consent: { email: true } },
          { kind: 'identify', customerId: 'bob', email: 'bob@example.com', attributes: { first_name: 'Bob' }, consent: { email: true } },
          { kind: 'track', customerId: 'ann', type: 'cart_abandoned' },
        ],
      },
    });
    await s.running.engine.runUntilIdle();
    expect(smtp.mails.map((m) => m.subject)).toEqual(['Your cart, Ann']);

    // RFC 8058 one-click: the mail client POSTs to the List-Unsubscribe URL, served by this server's /t router.
    const listUnsubscribe = smtp.mails[0]!.headerLines.find((l) => l.key === 'list-unsubscribe')!.line;
    const url = /<([^>]+)>/.exec(listUnsubscribe)![1]!;
    expect(url.startsWith(`${s.base.replace('localhost', '127.0.0.1')}/t/unsubscribe/`)).toBe(true);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect((await s.storage.customers.byExternalId('ann'))!.unsubscribedAt).not.toBeNull();

    expect((await s.call('POST', '/api/suppressions', { json: { entries: [{ email: 'BOB@example.com', reason: 'complaint' }] }, headers: h })).status).toBe(200);

    s.clock.advance(86_400_000);
    await s.call('POST', '/api/batch', { headers: h, json: { batch: [{ kind: 'track', customerId: 'ann', type: 'cart_abandoned' }, { kind: 'track', customerId: 'bob', type: 'cart_abandoned' }] } });
    await s.running.engine.runUntilIdle();
    expect(smtp.mails).toHaveLength(1);
    const stats = await s.call('GET', `/api/journeys/${created.body.journey.id}/stats`, { headers: h });
    expect(stats.body.entered).toBe(3);
  });
});
