import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneExpired } from '../jobs/retention.ts';
import type { TestSmtp } from '../messaging/test-smtp.ts';
import { mailGraph } from '../testing/mail-world.ts';
import { startMailTestServer, type TestServer } from '../http/test-server.ts';
import { errorKind, skipReason } from './messages.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const journey = mailGraph('signup', { subject: 'Welcome', html: '<p>Hello <a href="https://shop.test/new">see what is new</a></p>' }, { settings: { reentry: 'always', goal: { event: 'purchase', within: '3d' } }, mailNode: 'welcome' });

let smtp: TestSmtp;
let s: TestServer;
let h: Record<string, string>;
beforeAll(async () => {
  ({ server: s, smtp } = await startMailTestServer({ FORESIGHT_FREQUENCY_CAP_MAX: '1', FORESIGHT_FREQUENCY_CAP_WINDOW: '7d' }));
  h = await s.key('admin');
});
afterAll(async () => {
  await s?.close();
  await smtp?.close();
});

const batch = async (items: unknown[]) => {
  expect((await s.call('POST', '/api/batch', { headers: h, json: { batch: items } })).status).toBe(200);
  await s.running.engine.runUntilIdle();
};
const later = async (ms: number) => {
  s.clock.advance(ms);
  await s.running.engine.runUntilIdle();
};
const linkIn = (html: string, kind: 'open' | 'click') => new RegExp(`(http://127\\.0\\.0\\.1:\\d+/t/${kind}/[^"]+)"`).exec(html)![1]!.replace(/&amp;/g, '&');

describe('message analytics through the whole server (real SMTP sink, tracking links, orders)', () => {
  it('counts every message of a node: sent, opened, clicked, a frequency-cap skip, a bounce with its error, and the revenue it brought', async () => {
    const created = await s.call('POST', '/api/journeys', { json: { name: 'Welcome', graph: journey }, headers: h });
    const id = created.body.journey.id as string;
    expect((await s.call('POST', `/api/journeys/${id}/publish`, { headers: h })).status).toBe(200);
    smtp.rejectRecipient('bob@example.com', 550);
    await batch([
      ...['ann', 'bob', 'cy'].map((c) => ({ kind: 'identify', customerId: c, email: `${c}@example.com`, consent: { email: true } })),
      ...['ann', 'bob', 'cy'].map((c) => ({ kind: 'track', customerId: c, type: 'signup' })),
    ]);
    expect(smtp.mails.map((m) => m.to && 'text' in m.to ? m.to.text : '').sort()).toEqual(['ann@example.com', 'cy@example.com']);

    // Ann opens (twice: one open per message) and clicks; Cy never opens.
    const annMail = smtp.mails.find((m) => (m.to as { text: string }).text === 'ann@example.com')!;
    for (let i = 0; i < 2; i++) expect((await fetch(linkIn(annMail.html as string, 'open'))).status).toBe(200);
    expect((await fetch(linkIn(annMail.html as string, 'click'), { redirect: 'manual' })).status).toBe(302);

    // Two hours later she orders: the mail's conversion. A second signup a day later hits the frequency cap.
    await later(2 * HOUR);
    await batch([{ kind: 'order', customerId: 'ann', orderId: 'o1', orderedAt: s.clock.now().toISOString(), amount: 80 }]);
    await later(DAY);
    await batch([{ kind: 'track', customerId: 'ann', type: 'signup' }]);
    expect(smtp.mails).toHaveLength(2);
    // Five days after the mail is outside the journey's 3-day goal window: not the mail's revenue.
    await later(4 * DAY);
    await batch([{ kind: 'order', customerId: 'ann', orderId: 'o2', orderedAt: s.clock.now().toISOString(), amount: 20 }]);

    const stats = (await s.call('GET', `/api/journeys/${id}/stats`, { headers: h })).body;
    const welcome = stats.messages.nodes.welcome;
    expect(welcome).toMatchObject({
      kinds: ['email'], queued: 0, sent: 2, skipped: 1, skippedBy: { 'frequency cap': 1 }, failed: 1, unknown: 0,
      opened: 1, clicked: 1, unsubscribed: 0, recipients: 2, conversions: 1, revenue: 80,
      openRate: 0.5, clickRate: 1, conversionRate: 1, revenuePerRecipient: 40,
      daily: [{ day: '2024-03-01', sent: 2, conversions: 1, revenue: 80 }],
    });
    expect(welcome.topErrors).toHaveLength(1);
    expect(welcome.topErrors[0]).toMatchObject({ count: 1, error: expect.stringMatching(/^SMTP 550: .*<address>/) });
    expect(welcome.topErrors[0].error).not.toContain('bob@');
    expect(stats.messages).toMatchObject({ attribution: '3d', sent: 2, conversions: 1, revenue: 80 });

    // The delivery log: searchable by address, by outcome, and per customer, each with the error.
    const bob = (await s.call('GET', `/api/journeys/${id}/deliveries?search=BOB@`, { headers: h })).body;
    expect(bob.total).toBe(1);
    expect(bob.entries[0]).toMatchObject({ externalId: 'bob', address: 'bob@example.com', status: 'failed', error: expect.stringContaining('550') });
    const skipped = (await s.call('GET', `/api/journeys/${id}/deliveries?status=skipped`, { headers: h })).body;
    expect(skipped.entries.map((e: { externalId: string; error: string }) => [e.externalId, e.error])).toEqual([['ann', 'frequency cap: 1 marketing emails in the last 7d (max 1)']]);
    const ann = (await s.call('GET', '/api/customers/ann/deliveries', { headers: h })).body;
    expect(ann.entries.map((e: { status: string }) => e.status)).toEqual(['skipped', 'sent']);
    expect((await s.call('GET', `/api/journeys/${id}/deliveries?limit=0`, { headers: h })).status).toBe(400);
    expect((await s.call('GET', `/api/journeys/${id}/deliveries`)).status).toBe(401);

    // Retention prunes the ended runs' deliveries and the tracking events: the numbers stay as they were.
    await later(100 * DAY);
    const pruned = await pruneExpired(s.storage, s.clock, 90 * DAY);
    expect(pruned.deliveries).toBe(4);
    expect(pruned.events).toBeGreaterThan(0);
    const after = (await s.call('GET', `/api/journeys/${id}/stats`, { headers: h })).body;
    expect(after.messages).toEqual(stats.messages);
    expect((await s.call('GET', `/api/journeys/${id}/deliveries?search=bob`, { headers: h })).body.entries).toEqual(bob.entries);
    // A customer's export still lists what was sent to them, archived or not.
    const exported = (await s.call('GET', '/api/customers/bob/export', { headers: h })).body;
    expect(exported.messages).toEqual([]);
    expect(exported.deliveries).toEqual(bob.entries);
  });
});

describe('skip reasons and error kinds', () => {
  it.each([
    ['frequency cap: 3 marketing emails in the last 7d (max 3)', 'frequency cap'],
    ['send rate limit: 20 emails to this customer in the last 1h (max 20); is a journey looping?', 'send rate limit'],
    ['budget 2/7d: lost to "VIP" (priority 5)', 'message budget'],
    ['customer unsubscribed', 'unsubscribed'],
    ['no email consent', 'no consent'],
    ['address suppressed (bounce)', 'suppressed'],
    ['customer has no email address', 'no address'],
    ['journey archived before delivery', 'journey archived'],
    ['path corrected: late event', 'path corrected'],
    [null, 'customer erased'],
    ['a plugin said no', 'a plugin said no'],
  ])('%s → %s', (error, reason) => expect(skipReason(error)).toBe(reason));

  it('masks addresses so one bounce reason over many recipients is one error', () => {
    expect(errorKind('SMTP 550: 5.1.1 <bob@example.com>: Recipient address rejected')).toBe(errorKind('SMTP 550: 5.1.1 <cy@example.com>: Recipient address rejected'));
    expect(errorKind('email is not configured: set FORESIGHT_SMTP_URL')).toBe('email is not configured: set FORESIGHT_SMTP_URL');
  });
});
