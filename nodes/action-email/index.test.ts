import { defaultHttpService } from '../../engine/net/http.ts';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { FrequencyCap } from '../../engine/messaging/policy.ts';
import { Engine, toProfile } from '../../engine/executor/engine.ts';
import { trackEvents } from '../../engine/ingest/ingest.ts';
import { startTestSmtp, type TestSmtp } from '../../engine/messaging/test-smtp.ts';
import { createTrackingRouter } from '../../engine/messaging/tracking-router.ts';
import { createHarness, type Harness } from '../../engine/testing/harness.ts';
import { builtinRegistry } from '../index.ts';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const FROM = 'Shop <news@shop.example>';

interface World {
  h: Harness;
  smtp: TestSmtp;
  publicUrl: string;
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** Harness + real SMTP server + the tracking router on real HTTP, all on 127.0.0.1. */
async function world(opts: { frequencyCap?: FrequencyCap; smtp?: boolean } = {}): Promise<World> {
  const smtp = await startTestSmtp();
  cleanup.push(() => smtp.close());
  const app = express();
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const registry = builtinRegistry(opts.smtp === false ? {} : { smtpUrl: smtp.url, mailFrom: FROM, publicUrl, secret: SECRET, frequencyCap: opts.frequencyCap });
  const h = createHarness({ start: '2024-03-01T09:00:00Z', registry });
  cleanup.push(() => h.close());
  app.use('/t', createTrackingRouter({ storage: h.storage, clock: h.clock, secret: SECRET }));
  return { h, smtp, publicUrl };
}

function emailJourney(id: string, event: string, email: Record<string, unknown>) {
  return {
    id,
    name: id,
    nodes: [
      { id: 't', type: 'trigger.event', config: { event } },
      { id: 'm', type: 'action.email', config: email },
      { id: 'x', type: 'flow.exit', config: { reason: 'sent' } },
    ],
    edges: [
      { id: 'e1', source: 't', sourceHandle: 'next', target: 'm' },
      { id: 'e2', source: 'm', sourceHandle: 'next', target: 'x' },
    ],
  };
}

const simple = (subject: string, extra: Record<string, unknown> = {}) => ({ subject, html: `<p>${subject}</p>`, text: subject, ...extra });

function header(mail: ParsedMail, name: string): string | undefined {
  return mail.headerLines.find((l) => l.key === name)?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');
}

function unsubscribeHref(mail: ParsedMail): string {
  const m = /<a href="([^"]+)">Unsubscribe<\/a>/.exec(String(mail.html));
  if (!m) throw new Error('no unsubscribe link in the mail');
  return m[1]!.replace(/&amp;/g, '&');
}

async function outbox(w: World, externalId: string) {
  return w.h.storage.outbox.list({ customerId: await w.h.customerId(externalId) });
}

describe('action.email', () => {
  it('sends the rendered mail over SMTP: escaped HTML, helpers, scores, recommendations, tracking and unsubscribe headers', async () => {
    const w = await world();
    await w.h.identify([
      {
        customerId: 'ann',
        email: 'ann@example.com',
        timezone: 'Europe/Berlin',
        consent: { email: true },
        attributes: { firstName: 'Ann <b>&', cartTotal: 42.5, cartItems: 3, signupAt: '2024-02-10T23:30:00Z' },
      },
    ]);
    const id = await w.h.customerId('ann');
    await w.h.storage.scores.put([
      { customerId: id, model: 'churn', value: 0.81, data: {}, modelVersion: 'v1', scoredAt: 0 },
      { customerId: id, model: 'recommendations', value: null, data: { items: [{ itemId: 'sku-1' }, { itemId: 'sku-2' }] }, modelVersion: 'v1', scoredAt: 0 },
    ]);
    await w.h.journeys.deploy(
      emailJourney('cart', 'cart_abandoned', {
        subject: 'Hi {{customer.firstName}}, {{plural customer.cartItems "item" "items"}} are waiting',
        html: '<html><body><p>Hello {{customer.firstName}}</p><p>Total {{money customer.cartTotal "EUR"}} since {{date customer.signupAt "long"}}</p>'
          + '{{#each recommendations}}<a href="https://shop.example/p/{{itemId}}?a=1&b=2">{{itemId}}</a>{{/each}}<p>risk {{scores.churn}}</p></body></html>',
        text: 'Hello {{customer.firstName}}, total {{money customer.cartTotal "EUR"}}',
      }),
    );
    await w.h.track([{ customerId: 'ann', type: 'cart_abandoned' }]);

    expect(w.smtp.mails).toHaveLength(1);
    const mail = w.smtp.mails[0]!;
    expect(mail.subject).toBe('Hi Ann <b>&, 3 items are waiting');
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('ann@example.com');
    expect(mail.from?.value).toEqual([{ name: 'Shop', address: 'news@shop.example' }]);
    const html = String(mail.html);
    expect(html).toContain('<p>Hello Ann &lt;b&gt;&amp;</p>');
    // Rendered in the customer's time zone: 23:30 UTC is already the 11th in Berlin.
    expect(html).toContain('Total €42.50 since February 11, 2024');
    expect(html).toContain('risk 0.81');
    expect(mail.text).toContain('Hello Ann <b>&, total €42.50');
    expect(mail.text).toMatch(new RegExp(`Unsubscribe: ${w.publicUrl}/t/unsubscribe/\\S+`));

    const unsubscribe = unsubscribeHref(mail);
    expect(unsubscribe.startsWith(`${w.publicUrl}/t/unsubscribe/`)).toBe(true);
    expect(header(mail, 'list-unsubscribe')).toBe(`<${unsubscribe}>`);
    expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    // Links go through the signed click redirect, which lands on the original URL and records the click.
    const clickLinks = [...html.matchAll(/<a href="([^"]+)">sku-\d<\/a>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(clickLinks).toHaveLength(2);
    expect(clickLinks[0]!.startsWith(`${w.publicUrl}/t/click/`)).toBe(true);
    const click = await fetch(clickLinks[0]!, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://shop.example/p/sku-1?a=1&b=2');

    const pixel = /<img src="([^"]+)" width="1" height="1"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const open = await fetch(pixel);
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toBe('image/gif');
    await fetch(pixel); // a second open of the same mail is not a second event

    const events = await w.h.storage.events.list(id, {});
    const byType = (t: string) => events.filter((e) => e.type === t);
    expect(byType('email_clicked').map((e) => e.properties)).toEqual([{ journeyId: 'cart', nodeId: 'm', message: expect.any(String), url: 'https://shop.example/p/sku-1?a=1&b=2' }]);
    expect(byType('email_opened')).toHaveLength(1);

    // A changed token is refused: no redirect anywhere, no event.
    const forged = clickLinks[1]!.slice(0, -3) + (clickLinks[1]!.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await fetch(forged, { redirect: 'manual' })).status).toBe(404);
    expect((await outbox(w, 'ann')).map((o) => o.status)).toEqual(['sent']);
  });

  it('unsubscribe end to end: the link in the mail (GET page, then POST) and RFC 8058 one-click both stop every later journey', async () => {
    const w = await world();
    await w.h.identify([
      { customerId: 'ann', email: 'ann@example.com' },
      { customerId: 'bob', email: 'bob@example.com' },
    ]);
    await w.h.journeys.deploy(emailJourney('welcome', 'signup', simple('Welcome')));
    await w.h.journeys.deploy(emailJourney('promo', 'promo', simple('Spring sale')));
    await w.h.track([
      { customerId: 'ann', type: 'signup' },
      { customerId: 'bob', type: 'signup' },
    ]);
    expect(w.smtp.mails.map((m) => m.subject)).toEqual(['Welcome', 'Welcome']);
    const mailTo = (who: string) => w.smtp.mails.find((m) => m.to && 'text' in m.to && m.to.text === `${who}@example.com`)!;

    // Ann clicks the link in the body: a confirmation page (link scanners must not unsubscribe), then its form.
    const annLink = unsubscribeHref(mailTo('ann'));
    const page = await fetch(annLink);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect((await w.h.storage.customers.byExternalId('ann'))!.unsubscribedAt).toBeNull();
    const done = await fetch(annLink, { method: 'POST' });
    expect(await done.text()).toContain('You are unsubscribed');

    // Bob's mail client uses the List-Unsubscribe header with the one-click POST body.
    const bobLink = header(mailTo('bob'), 'list-unsubscribe')!.slice(1, -1);
    const oneClick = await fetch(bobLink, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);

    for (const who of ['ann', 'bob']) {
      const c = (await w.h.storage.customers.byExternalId(who))!;
      expect(c.unsubscribedAt).toBe(w.h.clock.now().getTime());
      expect((await w.h.storage.events.list(c.id, { type: 'email_unsubscribed' })).length).toBe(1);
    }

    await w.h.track([
      { customerId: 'ann', type: 'promo' },
      { customerId: 'bob', type: 'promo' },
    ]);
    expect(w.smtp.mails).toHaveLength(2);
    for (const who of ['ann', 'bob']) {
      const promo = (await outbox(w, who)).find((o) => o.journeyId === 'promo')!;
      expect(promo).toMatchObject({ status: 'skipped', lastError: 'customer unsubscribed' });
      // The run went on past the email.
      const run = (await w.h.runsOf(who)).find((r) => r.journeyId === 'promo')!;
      expect(run).toMatchObject({ status: 'completed', endReason: 'sent' });
    }
  });

  it('frequency cap counts marketing mail across journeys; transactional mail is exempt; the window moves on', async () => {
    const w = await world({ frequencyCap: { max: 1, window: '1d' } });
    await w.h.identify([{ customerId: 'ann', email: 'ann@example.com' }]);
    await w.h.journeys.deploy(emailJourney('welcome', 'signup', simple('Welcome')));
    await w.h.journeys.deploy(emailJourney('promo', 'promo', simple('Sale')));
    await w.h.journeys.deploy(emailJourney('receipt', 'order', simple('Your receipt', { category: 'receipt', transactional: true })));
    await w.h.journeys.deploy(emailJourney('later', 'later', simple('Later')));

    await w.h.track([{ customerId: 'ann', type: 'signup' }]);
    await w.h.advance('1h');
    await w.h.track([
      { customerId: 'ann', type: 'promo' },
      { customerId: 'ann', type: 'order' },
    ]);
    expect(w.smtp.mails.map((m) => m.subject)).toEqual(['Welcome', 'Your receipt']);
    const promo = (await outbox(w, 'ann')).find((o) => o.journeyId === 'promo')!;
    expect(promo.status).toBe('skipped');
    expect(promo.lastError).toBe('frequency cap: 1 marketing emails in the last 1d (max 1)');

    await w.h.advance('1381m'); // 23h01m: the welcome mail is now older than the 1d window
    await w.h.track([{ customerId: 'ann', type: 'later' }]);
    expect(w.smtp.mails.map((m) => m.subject)).toEqual(['Welcome', 'Your receipt', 'Later']);
  });

  it('the cap holds within one delivery batch (two journeys enqueue at the same moment)', async () => {
    const w = await world({ frequencyCap: { max: 1, window: '7d' } });
    await w.h.identify([{ customerId: 'ann', email: 'ann@example.com' }]);
    await w.h.journeys.deploy(emailJourney('a', 'signup', simple('A')));
    await w.h.journeys.deploy(emailJourney('b', 'signup', simple('B')));
    await w.h.track([{ customerId: 'ann', type: 'signup' }]);
    expect(w.smtp.mails).toHaveLength(1);
    expect((await outbox(w, 'ann')).map((o) => o.status).sort()).toEqual(['sent', 'skipped']);
  });

  it('the cap holds across two workers delivering at the same moment', async () => {
    const w = await world({ frequencyCap: { max: 1, window: '7d' } });
    await w.h.identify([{ customerId: 'ann', email: 'ann@example.com' }]);
    await w.h.journeys.deploy(emailJourney('a', 'signup', simple('A')));
    await w.h.journeys.deploy(emailJourney('b', 'signup', simple('B')));
    await trackEvents(w.h.storage, w.h.clock, [{ customerId: 'ann', type: 'signup' }]);
    await w.h.engine.runUntilIdle({ deliver: false });
    // A second worker process on the same database, each taking one entry at a time.
    const other = new Engine({ storage: w.h.storage, registry: w.h.registry, clock: w.h.clock, workerId: 'other' });
    await Promise.all([w.h.engine.dispatchOutbox(1), other.dispatchOutbox(1)]);
    await Promise.all([w.h.engine.dispatchOutbox(1), other.dispatchOutbox(1)]);
    expect(w.smtp.mails).toHaveLength(1);
    expect((await outbox(w, 'ann')).map((o) => o.status).sort()).toEqual(['sent', 'skipped']);
  });

  it.each([
    ['no email consent', { customerId: 'c', email: 'c@example.com', consent: { email: false } }, 'no email consent'],
    ['no address', { customerId: 'c' }, 'customer has no email address'],
    ['a suppressed address (any case)', { customerId: 'c', email: 'C@Example.com' }, 'address suppressed (complaint)'],
  ])('is not sent to %s, with the reason recorded, and the run goes on', async (_label, customer, reason) => {
    const w = await world();
    await w.h.storage.suppressions.add([{ email: 'c@example.com', reason: 'complaint' }], 0);
    await w.h.identify([customer]);
    await w.h.journeys.deploy(emailJourney('welcome', 'signup', simple('Welcome')));
    await w.h.track([{ customerId: 'c', type: 'signup' }]);
    expect(w.smtp.mails).toHaveLength(0);
    expect((await outbox(w, 'c'))[0]).toMatchObject({ status: 'skipped', lastError: reason });
    expect((await w.h.runsOf('c'))[0]).toMatchObject({ status: 'completed' });
  });

  it('retries a transient SMTP failure (451) with backoff and sends exactly once', async () => {
    const w = await world();
    await w.h.identify([{ customerId: 'ann', email: 'ann@example.com' }]);
    await w.h.journeys.deploy(emailJourney('welcome', 'signup', simple('Welcome')));
    w.smtp.failNext(451, 'try again later');
    await w.h.track([{ customerId: 'ann', type: 'signup' }]);
    expect(w.smtp.mails).toHaveLength(0);
    const [pending] = await outbox(w, 'ann');
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    expect(pending!.lastError).toMatch(/^SMTP 451: .*try again later/);
    expect(pending!.nextAttemptAt).toBeGreaterThan(w.h.clock.now().getTime());
    await w.h.advance('10m');
    expect(w.smtp.mails.map((m) => m.subject)).toEqual(['Welcome']);
    expect((await outbox(w, 'ann'))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('records a permanent rejection (550) as failed, suppresses the address and the run goes on', async () => {
    const w = await world();
    await w.h.identify([{ customerId: 'ann', email: 'ann@example.com' }]);
    await w.h.journeys.deploy(emailJourney('welcome', 'signup', simple('Welcome')));
    w.smtp.rejectRecipient('ann@example.com', 550);
    await w.h.track([{ customerId: 'ann', type: 'signup' }]);
    const [entry] = await outbox(w, 'ann');
    expect(entry!.status).toBe('failed');
    expect(entry!.lastError).toMatch(/^SMTP 550: /);
    expect(await w.h.storage.suppressions.get('ann@example.com')).toMatchObject({ reason: 'bounce' });
    expect((await w.h.runsOf('ann'))[0]).toMatchObject({ status: 'completed' });
  });

  it('without mail settings an email is recorded as failed, naming what to set', async () => {
    const w = await world({ smtp: false });
    await w.h.identify([{ customerId: 'ann', email: 'ann@example.com' }]);
    await w.h.journeys.deploy(emailJourney('welcome', 'signup', simple('Welcome')));
    await w.h.track([{ customerId: 'ann', type: 'signup' }]);
    expect((await outbox(w, 'ann'))[0]).toMatchObject({
      status: 'failed',
      lastError: 'email is not configured: set FORESIGHT_SMTP_URL, FORESIGHT_MAIL_FROM (or the brand sender, or the node\'s From), FORESIGHT_PUBLIC_URL, FORESIGHT_SECRET',
    });
  });

  it('records a template that fails while rendering as failed, naming the field, and sends nothing', async () => {
    const w = await world();
    await w.h.identify([{ customerId: 'ann', email: 'ann@example.com' }]);
    await w.h.journeys.deploy(emailJourney('welcome', 'signup', simple('Welcome', { html: '<p>{{money 5 "not-a-currency"}}</p>' })));
    await w.h.track([{ customerId: 'ann', type: 'signup' }]);
    const [entry] = await outbox(w, 'ann');
    expect(entry!.status).toBe('failed');
    expect(entry!.lastError).toMatch(/^template: html: .*currency/i);
    expect(w.smtp.mails).toHaveLength(0);
  });

  it('refuses a sender with a line break when the journey is validated, and never puts one in a header at send', async () => {
    const w = await world();
    const injected = 'Shop <news@shop.example>\r\nBcc: everyone@victim.example';
    const doc = emailJourney('hdr', 'signup', simple('Hi', { from: injected }));
    const v = await w.h.journeys.validate(doc);
    expect(v.problems).toEqual([expect.objectContaining({ nodeId: 'm', field: 'from', message: expect.stringMatching(/from: contains a line break/) })]);
    // A payload that skipped validation (a plugin enqueuing mail) still cannot put it in a header.
    await w.h.identify([{ customerId: 'ann', email: 'ann@example.com' }]);
    const customer = (await w.h.storage.customers.get([await w.h.customerId('ann')]))[0]!;
    const item = { key: '1:m:1', runId: 1, journeyId: 'hdr', nodeId: 'm', customerId: customer.id, kind: 'email', payload: { ...simple('Hi'), category: 'x', transactional: true, from: injected }, attempts: 1 };
    const outcome = await w.h.registry.effect('email')!(item, { now: w.h.clock.now(), customer: toProfile(customer), storage: w.h.storage, http: defaultHttpService() });
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^from: contains a line break/) });
    expect(w.smtp.mails).toHaveLength(0);
  });

  it('erasing a customer while their mail is on the wire: the delivery writes no address or name back', async () => {
    const w = await world();
    await w.h.identify([{ customerId: 'ann', email: 'ann.inflight@example.com', attributes: { firstName: 'Annabel' } }]);
    await w.h.journeys.deploy(emailJourney('welcome', 'signup', simple('Hello {{customer.firstName}}')));
    const hold = w.smtp.holdNext();
    const delivering = w.h.track([{ customerId: 'ann', type: 'signup' }]);
    await hold.arrived;
    const id = await w.h.customerId('ann');
    await w.h.storage.privacy.erase(id, w.h.clock.now().getTime());
    hold.release();
    await delivering;
    expect(w.smtp.mails).toHaveLength(1);
    const [entry] = await w.h.storage.outbox.list({ customerId: id });
    expect(entry).toMatchObject({ status: 'sent', payload: {}, detail: null, lastError: null });
    const rows = JSON.stringify(w.h.storage.raw.prepare('SELECT * FROM outbox').all());
    expect(rows).not.toContain('ann.inflight@example.com');
    expect(rows).not.toContain('Annabel');
  });

  it('rejects a template with a syntax error when the journey is validated, naming the field', async () => {
    const w = await world();
    await expect(w.h.journeys.deploy(emailJourney('bad', 'signup', simple('ok', { html: '<p>{{#each items}}</p>' })))).rejects.toThrow('HTML body: line 1: {{#each}} is not closed; add {{/each}} after its content');
  });
});
