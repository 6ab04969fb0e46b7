import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { trackEvents } from '../ingest/ingest.ts';
import { mailJourney, mailWorld } from '../testing/mail-world.ts';
import type { DeliveryHold } from './breaker.ts';
import { Engine } from './engine.ts';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const START = '2024-03-01T09:00:00Z';

/** 40 customers signed up for a welcome mail, delivered by an engine whose breaker runs on a clock the test moves. */
async function fortyWelcomes() {
  const w = await mailWorld({ start: START });
  cleanup.push(w.close);
  const real = new VirtualClock(START);
  const alerts: DeliveryHold[] = [];
  const engine = new Engine({ storage: w.h.storage, registry: w.h.registry, clock: w.h.clock, realClock: real, onDeliveryPaused: (hold) => alerts.push(hold) });
  const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
  await w.h.identify(ids.map((id) => ({ customerId: id, email: `${id}@example.com` })));
  await w.h.journeys.deploy(mailJourney('welcome', 'signup'));
  await trackEvents(w.h.storage, w.h.clock, ids.map((id) => ({ customerId: id, type: 'signup' })));
  return { ...w, real, alerts, engine, ids };
}

async function statusCounts(w: Awaited<ReturnType<typeof fortyWelcomes>>) {
  return w.h.storage.outbox.countByStatus();
}

describe('the relay failing is not a hard bounce', () => {
  it('relaying denied (550 5.7.1): nothing suppressed or failed, delivery paused with an alert, everything delivered once after the pause', async () => {
    const w = await fortyWelcomes();
    w.smtp.failNext(550, '5.7.1 Relaying denied', 1000);
    await w.engine.runUntilIdle();
    expect(await w.h.storage.suppressions.list({ limit: 100, offset: 0 })).toEqual([]);
    expect(await statusCounts(w)).toEqual({ pending: 40 });
    expect(w.alerts).toEqual([expect.objectContaining({ kind: 'email', cause: 'relay', reason: expect.stringMatching(/5\.7\.1 Relaying denied/) })]);
    expect(w.engine.breaker.status().paused.map((p) => p.kind)).toEqual(['email']);
    // Still paused a minute later, even though the mails are due.
    w.real.advance(60_000);
    w.h.clock.advance(3_600_000);
    await w.engine.runUntilIdle();
    expect(w.smtp.mails).toHaveLength(0);

    w.smtp.clearFailures();
    w.real.advance(5 * 60_000);
    await w.engine.runUntilIdle();
    expect(await statusCounts(w)).toEqual({ sent: 40 });
    expect(new Set(w.smtp.mails.map((m) => m.messageId)).size).toBe(40);
    expect(w.smtp.mails).toHaveLength(40);
  });

  it('authentication refused (535) pauses delivery too', async () => {
    const w = await fortyWelcomes();
    w.smtp.failNext(535, '5.7.8 Authentication credentials invalid', 1000);
    await w.engine.runUntilIdle();
    expect(w.alerts.map((a) => a.cause)).toEqual(['relay']);
    expect(await w.h.storage.suppressions.list({ limit: 100, offset: 0 })).toEqual([]);
  });

  it('a jump in hard bounces (a relay that lost its recipient table) trips the breaker instead of suppressing the list', async () => {
    const w = await fortyWelcomes();
    for (const id of w.ids) w.smtp.rejectRecipient(`${id}@example.com`, 550);
    await w.engine.runUntilIdle();
    const suppressed = await w.h.storage.suppressions.list({ limit: 100, offset: 0 });
    // Only bounces seen before the failure rate can be judged (fewer than 10 outcomes) may suppress.
    expect(suppressed.length).toBeLessThan(10);
    expect(w.alerts).toEqual([expect.objectContaining({ kind: 'email', cause: 'failure-rate' })]);
    // Failed are exactly the suppressed ones; every other mail is held for when delivery resumes.
    expect(await statusCounts(w)).toEqual({ pending: 40 - suppressed.length, ...(suppressed.length ? { failed: suppressed.length } : {}) });
  });

  it('a single recipient hard bounce (550 5.1.1) among good deliveries suppresses that address only', async () => {
    const w = await fortyWelcomes();
    w.smtp.rejectRecipient('c7@example.com', 550);
    await w.engine.runUntilIdle();
    expect((await w.h.storage.suppressions.list({ limit: 100, offset: 0 })).map((s) => [s.email, s.reason])).toEqual([['c7@example.com', 'bounce']]);
    expect(await statusCounts(w)).toEqual({ sent: 39, failed: 1 });
    expect(w.alerts).toEqual([]);
  });
});

describe('per-customer send rate limit', () => {
  it('a journey firing over and over mails a customer at most max times per window; the rest are skipped with the reason', async () => {
    const w = await mailWorld({ start: START, mail: { sendRate: { max: 3, window: '1h' } } });
    cleanup.push(w.close);
    await w.h.identify([{ customerId: 'ann', email: 'ann@example.com' }]);
    await w.h.journeys.deploy(mailJourney('ping', 'ping', { reentry: 'always' }));
    for (let i = 0; i < 6; i++) await w.h.track([{ customerId: 'ann', type: 'ping' }]);
    expect(w.smtp.mails).toHaveLength(3);
    const skipped = await w.h.storage.outbox.list({ status: 'skipped' });
    expect(skipped).toHaveLength(3);
    expect(skipped[0]!.lastError).toBe('send rate limit: 3 emails to this customer in the last 1h (max 3); is a journey looping?');
    await w.h.advance('61m');
    await w.h.track([{ customerId: 'ann', type: 'ping' }]);
    expect(w.smtp.mails).toHaveLength(4);
  });
});
