import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../core/clock.ts';
import { startTestServer, type TestServer } from '../http/test-server.ts';
import { startTestSmtp, type TestSmtp } from '../messaging/test-smtp.ts';
import { mailGraph } from '../testing/mail-world.ts';
import { pruneExpired } from './retention.ts';

const DAY = 86_400_000;

const graph = mailGraph('signup', { subject: 'Welcome', html: '<p>Hi</p>', text: 'Hi' }, { settings: { reentry: 'always' } });

let smtp: TestSmtp;
let t: TestServer;
afterEach(async () => {
  await t?.close();
  await smtp?.close();
});

describe('retention of the send log', () => {
  it("removes sends older than the retention age while the KPI page's emails-sent figure stays exactly as it was", async () => {
    smtp = await startTestSmtp();
    // Sessions keep real time while the shop's clock jumps 100 days.
    t = await startTestServer({
      realClock: new SystemClock(),
      env: { FORESIGHT_SMTP_URL: smtp.url, FORESIGHT_MAIL_FROM: 'Shop <news@shop.example>', FORESIGHT_SECRET: 'retention-test-secret-0123456789abcdef' },
    });
    const h = await t.login();
    await t.call('POST', '/api/journeys', { json: { name: 'Welcome', graph }, headers: h });
    expect((await t.call('POST', '/api/journeys/welcome/publish', { headers: h })).status).toBe(200);
    const signUp = async (ids: string[]) => {
      await t.call('POST', '/api/batch', {
        headers: h,
        json: {
          batch: ids.flatMap((id) => [
            { kind: 'identify', customerId: id, email: `${id}@example.com`, consent: { email: true } },
            { kind: 'track', customerId: id, type: 'signup' },
          ]),
        },
      });
      await t.running.engine.runUntilIdle();
    };
    const oldPeriod = { from: t.clock.now().getTime(), to: t.clock.now().getTime() + DAY };
    await signUp(Array.from({ length: 30 }, (_, i) => `old${i}`));
    t.clock.advance(100 * DAY);
    const newPeriod = { from: t.clock.now().getTime(), to: t.clock.now().getTime() + DAY };
    await signUp(['new0', 'new1', 'new2']);
    expect(smtp.mails).toHaveLength(33);

    // The KPI page's "emails sent" is the open rate's denominator, for any period.
    const sent = async (p: { from: number; to: number }) => {
      const res = await t.call('GET', `/api/kpis?from=${new Date(p.from).toISOString()}&to=${new Date(p.to).toISOString()}`, { headers: h });
      return res.body.kpis.find((k: { key: string }) => k.key === 'openRate').denominator as number;
    };
    const sendLog = async () => (await Promise.all(['old0', 'old29', 'new0'].map(async (id) => t.storage.sends.countAll((await t.storage.customers.byExternalId(id))!.id, 0))));
    expect([await sent(oldPeriod), await sent(newPeriod)]).toEqual([30, 3]);
    expect(await sendLog()).toEqual([1, 1, 1]);

    const pruned = await pruneExpired(t.storage, t.clock, 90 * DAY, { batch: 7 });

    expect(pruned.sends).toBe(30);
    expect(await sendLog()).toEqual([0, 0, 1]);
    expect([await sent(oldPeriod), await sent(newPeriod)]).toEqual([30, 3]);
    expect((await pruneExpired(t.storage, t.clock, 90 * DAY)).sends).toBe(0);
    expect([await sent(oldPeriod), await sent(newPeriod)]).toEqual([30, 3]);
  });
});
