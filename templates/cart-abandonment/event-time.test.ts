import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthService } from '../../engine/auth/service.ts';
import { loadConfig } from '../../engine/config.ts';
import { startTestSmtp, type TestSmtp } from '../../engine/messaging/test-smtp.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { createHarness, type Harness } from '../../engine/testing/harness.ts';
import { builtinRegistry } from '../../nodes/index.ts';
import { importTemplate } from '../index.ts';

/**
 * The shipped cart-abandonment template fed through `POST /api/batch` on the real
 * HTTP app, as a shop's hourly sync would: carts and orders arrive after they
 * happened, together or apart, in either order. The journey must act on when
 * they happened. (Harness: the same SQLite file and virtual clock as the server.)
 */
const at = (hhmm: string, day = '2024-03-04') => `${day}T${hhmm}:00Z`;
const ms = (iso: string) => new Date(iso).getTime();

let h: Harness;
let smtp: TestSmtp;
let server: RunningServer;
let auth: Record<string, string>;
afterEach(async () => {
  await server?.close();
  await h?.close();
  await smtp?.close();
});

/** The journey goes live at 08:00; the shop's first sync comes at `start`. */
async function shop(start: string) {
  smtp = await startTestSmtp();
  const registry = builtinRegistry({ smtpUrl: smtp.url, mailFrom: 'Shop <shop@example.com>', publicUrl: 'http://127.0.0.1:9', secret: 'x'.repeat(40) });
  h = createHarness({ start: at('08:00'), registry });
  await importTemplate({ storage: h.storage, journeys: h.journeys, clock: h.clock }, 'cart-abandonment');
  await h.journeys.publish('cart-abandonment');
  h.clock.set(ms(start));
  const config = loadConfig({ PORT: '0', FORESIGHT_LOG_LEVEL: 'silent' });
  server = await startServer({ config, storage: h.storage, clock: h.clock, registry, host: '127.0.0.1', logger: pino({ level: 'silent' }), builderDir: null, scheduler: false });
  const { key } = await new AuthService(h.storage, h.clock).createApiKey('shop sync', 'track');
  auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}

/** One `POST /api/batch` at the current virtual time; the engine then catches up. */
async function batch(items: Record<string, unknown>[]) {
  const res = await fetch(`${server.url}/api/batch`, { method: 'POST', headers: auth, body: JSON.stringify({ batch: items }) });
  expect(await res.json()).toMatchObject({ ok: true, rejected: [] });
  await h.engine.runUntilIdle();
}

const identify = (id: string) => ({ kind: 'identify', customerId: id, email: `${id}@example.com` });
const cart = (id: string, occurredAt: string) => ({ kind: 'track', customerId: id, type: 'cart_add', occurredAt, properties: { sku: 'A' } });
const order = (id: string, orderId: string, orderedAt: string) => ({ kind: 'order', customerId: id, orderId, orderedAt, amount: 40 });
const mailsTo = (id: string) => smtp.mails.filter((m) => m.to && JSON.stringify(m.to).includes(`${id}@example.com`)).map((m) => m.subject);
const runs = async (id: string) => (await h.runsOf(id)).sort((a, b) => a.id - b.id);

describe('cart abandonment on event time, through POST /api/batch', () => {
  it('a cart and the order dated a minute later, in the same request 40 min later: converted, no reminder', async () => {
    await shop(at('10:40'));
    await batch([identify('c10'), cart('c10', at('10:00')), order('c10', 'o-1', at('10:01'))]);
    expect(await runs('c10')).toMatchObject([{ status: 'converted', enteredAt: ms(at('10:00')) }]);
    await h.advance('3d');
    expect(mailsTo('c10')).toEqual([]);
  });

  it('the same in two back-to-back requests, in either order: converted, no reminder', async () => {
    await shop(at('10:40'));
    await batch([identify('c10'), cart('c10', at('10:00'))]);
    await batch([order('c10', 'o-1', at('10:01'))]);
    await batch([identify('c11'), order('c11', 'o-2', at('10:01'))]);
    await batch([cart('c11', at('10:00'))]);
    expect(await runs('c10')).toMatchObject([{ status: 'converted' }]);
    expect(await runs('c11')).toMatchObject([{ status: 'converted' }]);
    await h.advance('3d');
    expect(smtp.mails).toEqual([]);
  });

  it.each([
    // The cart and the order both come with an hourly sync, 40 min after they happened; the run still waits its 4 h.
    { when: 'the run waits its 4 h', cartAt: '10:00', syncCartAt: '10:40', orderArrivesAt: '11:00', orderAt: '10:20', waitingAt: 'four-hours' },
    // The 4 h ran out at 23:00 and the reminder waits for daytime (09:00) when the order dated 22:50 arrives.
    { when: 'the run waits for daytime after the 4 h', cartAt: '19:00', syncCartAt: '19:00', orderArrivesAt: '23:30', orderAt: '22:50', waitingAt: 'quiet-1' },
  ])('an order that arrives 40 min after it happened, while $when: converted, no reminder', async (c) => {
    await shop(at(c.syncCartAt));
    await batch([identify('c10'), cart('c10', at(c.cartAt))]);
    await h.advance(ms(at(c.orderArrivesAt)) - ms(at(c.syncCartAt)));
    expect(await runs('c10')).toMatchObject([{ status: 'waiting', nodeId: c.waitingAt }]);
    await batch([order('c10', 'o-1', at(c.orderAt))]);
    expect(await runs('c10')).toMatchObject([{ status: 'converted' }]);
    await h.advance('3d');
    expect(mailsTo('c10')).toEqual([]);
  });

  it('an order dated before a later, second cart does not convert the second run', async () => {
    await shop(at('10:00'));
    await batch([identify('c12'), cart('c12', at('10:00')), identify('c13'), cart('c13', at('10:00'))]);
    await h.advance('4d'); // both first runs end with the reminder and the offer
    expect(mailsTo('c12')).toHaveLength(2);
    h.clock.set(ms(at('10:30', '2024-03-08')));
    // c12: the old order and the new cart in one sync; c13: the old order synced first, the cart after.
    await batch([cart('c12', at('10:00', '2024-03-08')), order('c12', 'o-12', at('09:50', '2024-03-08'))]);
    await batch([order('c13', 'o-13', at('09:50', '2024-03-08'))]);
    await batch([cart('c13', at('10:00', '2024-03-08'))]);
    for (const id of ['c12', 'c13']) {
      const [first, second] = await runs(id);
      expect(first).toMatchObject({ status: 'completed', endReason: 'offer sent' });
      expect(second).toMatchObject({ status: 'waiting', nodeId: 'four-hours', enteredAt: ms(at('10:00', '2024-03-08')) });
    }
    await h.advance('6h');
    expect(mailsTo('c12')).toEqual(['You left something in your cart', 'Free shipping on your cart, today only', 'You left something in your cart']);
  });
});
