import { afterEach, describe, expect, it } from 'vitest';
import { trackEvents } from '../ingest/ingest.ts';
import type { TestSmtp } from '../messaging/test-smtp.ts';
import type { Harness } from '../testing/harness.ts';
import { mailWorld } from '../testing/mail-world.ts';
import { testEnqueue } from '../testing/test-nodes.ts';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** Real SMTP sink + harness whose journey sends an email and a plugin effect (kind `test`). */
async function world(start: string): Promise<{ h: Harness; smtp: TestSmtp; plugin: string[] }> {
  const plugin: string[] = [];
  const w = await mailWorld({
    start,
    extend: (registry) => {
      registry.register(testEnqueue);
      registry.registerEffect('test', async (item) => {
        plugin.push(String(item.payload.customer));
        return { status: 'sent' };
      });
    },
  });
  cleanup.push(w.close);
  await w.h.journeys.deploy({
    id: 'promo',
    name: 'Promo',
    nodes: [
      { id: 't', type: 'trigger.event', config: { event: 'signup' } },
      { id: 'm', type: 'action.email', config: { subject: 'Promo', html: '<p>Promo</p>' } },
      { id: 'p', type: 'test.enqueue', config: { tag: 'p' } },
      { id: 'x', type: 'flow.exit', config: { reason: 'sent' } },
    ],
    edges: [
      { id: 'e1', source: 't', sourceHandle: 'next', target: 'm' },
      { id: 'e2', source: 'm', sourceHandle: 'next', target: 'p' },
      { id: 'e3', source: 'p', sourceHandle: 'next', target: 'x' },
    ],
  });
  return { h: w.h, smtp: w.smtp, plugin };
}

const customers = ['a', 'b', 'c'];

/**
 * Three customers whose mail the server turned away (451): it waits on a retry one minute later.
 * A fourth customer's mail and plugin effect are committed and not yet delivered.
 */
async function queued(w: { h: Harness; smtp: TestSmtp; plugin: string[] }) {
  await w.h.identify([...customers, 'd'].map((c) => ({ customerId: c, email: `${c}@example.com` })));
  w.smtp.failNext(451, '4.3.2 try again later', 3);
  await w.h.track(customers.map((c) => ({ customerId: c, type: 'signup' })));
  await trackEvents(w.h.storage, w.h.clock, [{ customerId: 'd', type: 'signup' }]);
  await w.h.engine.runUntilIdle({ deliver: false });
  w.plugin.length = 0;
}

async function statuses(h: Harness, kind: string) {
  return (await h.storage.outbox.list({ kind })).map((o) => o.status);
}

describe('pause and archive stop everything queued', () => {
  it('3 mails waiting on a retry at 09:00 and one just committed, pause at 08:59: 0 delivered at 09:01; resume at 10:00: each delivered once', async () => {
    const w = await world('2024-03-01T08:59:00Z');
    await queued(w);
    expect(await statuses(w.h, 'email')).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect((await w.h.storage.outbox.list({ kind: 'email' }))[0]!.nextAttemptAt).toBe(Date.parse('2024-03-01T09:00:00Z'));

    await w.h.journeys.pause('promo');
    await w.h.advance('2m');
    expect(w.smtp.mails).toHaveLength(0);
    expect(w.plugin).toEqual([]);
    expect(await statuses(w.h, 'email')).toEqual(['pending', 'pending', 'pending', 'pending']);

    await w.h.advance('59m');
    await w.h.journeys.resume('promo');
    await w.h.advance('1d');
    expect(w.smtp.mails.map((m) => m.to && (Array.isArray(m.to) ? m.to[0]!.text : m.to.text)).sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com']);
    expect(w.plugin).toEqual(['d']);
    expect(await statuses(w.h, 'email')).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('archiving cancels every queued effect with the reason; nothing goes out later', async () => {
    const w = await world('2024-03-01T08:59:00Z');
    await queued(w);

    await w.h.journeys.archive('promo');
    await w.h.advance('1d');
    expect(w.smtp.mails).toHaveLength(0);
    expect(w.plugin).toEqual([]);
    const cancelled = await w.h.storage.outbox.list({ status: 'cancelled' });
    expect(cancelled.map((o) => o.kind).sort()).toEqual(['email', 'email', 'email', 'email', 'test']);
    expect(cancelled.every((o) => o.lastError === 'journey archived before delivery')).toBe(true);
  });
});
