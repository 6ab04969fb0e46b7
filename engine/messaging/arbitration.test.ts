import { afterEach, describe, expect, it } from 'vitest';
import { journeyMessageStats } from '../analytics/messages.ts';
import { trackEvents } from '../ingest/ingest.ts';
import { messageHoldoutDraw } from '../../nodes/action-email/index.ts';
import { mailWorld } from '../testing/mail-world.ts';

// Three journeys compete for one customer on the same event: VIP (priority 5), Win-back (3),
// Newsletter (1), under a shared budget of 2 marketing emails per 7 days.

type World = Awaited<ReturnType<typeof mailWorld>>;
let worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds) await w.close();
  worlds = [];
});

const JOURNEYS = [
  { id: 'vip', name: 'VIP', priority: 5 },
  { id: 'winback', name: 'Win-back', priority: 3 },
  { id: 'news', name: 'Newsletter', priority: 1 },
];

function competing(j: { id: string; name: string; priority: number }, email: Record<string, unknown> = {}) {
  return {
    id: j.id,
    name: j.name,
    settings: { priority: j.priority },
    nodes: [
      { id: 't', type: 'trigger.event', config: { event: 'sale' } },
      { id: 'm', type: 'action.email', config: { subject: j.name, html: `<p>${j.name}</p>`, ...email } },
      { id: 'x', type: 'flow.exit', config: { reason: 'sent' } },
    ],
    edges: [
      { id: 'e1', source: 't', sourceHandle: 'next', target: 'm' },
      { id: 'e2', source: 'm', sourceHandle: 'next', target: 'x' },
    ],
  };
}

async function setup(opts: { order: number[]; cap?: { max: number; window: string }; email?: Record<string, unknown>; timezone?: string }) {
  const w = await mailWorld({
    start: '2024-03-01T15:00:00Z',
    mail: { messageBudget: { max: 2, window: '7d' }, ...(opts.cap ? { frequencyCap: opts.cap } : {}) },
  });
  worlds.push(w);
  await w.h.identify([{ customerId: 'ann', email: 'ann@example.com', ...(opts.timezone ? { timezone: opts.timezone } : {}) }]);
  // Deployed in the given order, so first-come-first-served would favour whichever comes first.
  for (const i of opts.order) await w.h.journeys.deploy(competing(JOURNEYS[i]!, JOURNEYS[i]!.id === 'news' ? opts.email : {}));
  return w;
}

async function deliveries(w: World) {
  const id = await w.h.customerId('ann');
  const entries = await w.h.storage.outbox.list({ customerId: id });
  return Object.fromEntries(entries.map((e) => [e.journeyId, { status: e.status, reason: e.lastError, attempts: e.attempts, nextAttemptAt: new Date(e.nextAttemptAt).toISOString() }]));
}

describe('cross-journey arbitration under a shared message budget', () => {
  it.each([
    [[0, 1, 2]],
    [[2, 1, 0]],
    [[1, 2, 0]],
  ])('the two highest priorities are mailed and the newsletter is skipped with the reason, whatever the deploy order (%j)', async (order) => {
    const w = await setup({ order });
    await w.h.track([{ customerId: 'ann', type: 'sale' }]);
    expect(w.smtp.mails.map((m) => m.subject).sort()).toEqual(['VIP', 'Win-back']);
    const d = await deliveries(w);
    expect(d.vip!.status).toBe('sent');
    expect(d.winback!.status).toBe('sent');
    expect(d.news).toMatchObject({ status: 'skipped', reason: 'budget 2/7d: lost to "VIP" (priority 5), "Win-back" (priority 3)' });
  });

  it('decides the same when the entries are claimed one at a time, lowest priority first', async () => {
    const w = await setup({ order: [2, 1, 0] });
    await trackEvents(w.h.storage, w.h.clock, [{ customerId: 'ann', type: 'sale' }]);
    await w.h.engine.runUntilIdle({ deliver: false });
    for (let i = 0; i < 3; i++) await w.h.engine.dispatchOutbox(1);
    expect(w.smtp.mails.map((m) => m.subject).sort()).toEqual(['VIP', 'Win-back']);
    expect((await deliveries(w)).news!.status).toBe('skipped');
  });

  it("a budget loser is counted under \"message budget\" in the journey's message analytics, whatever journeys it lost to", async () => {
    const w = await setup({ order: [0, 1] });
    await w.h.identify([{ customerId: 'bob', email: 'bob@example.com' }]);
    await w.h.track([{ customerId: 'bob', type: 'sale' }]);
    await w.h.journeys.deploy(competing(JOURNEYS[2]!));
    // Ann's newsletter loses to VIP and Win-back; Bob's finds his budget already spent by them.
    await w.h.track([{ customerId: 'ann', type: 'sale' }, { customerId: 'bob', type: 'sale' }]);
    const stats = await journeyMessageStats(w.h.storage, 'news', competing(JOURNEYS[2]!));
    expect(stats.nodes.m).toMatchObject({ skipped: 2, skippedBy: { 'message budget': 2 } });
  });

  it('a message held out of its node takes no place in the budget: the journeys behind it are mailed', async () => {
    // Ann falls in the VIP message's 50 % holdout, so the VIP mail is never sent to her.
    expect(messageHoldoutDraw('vip', 'm', 'ann')).toBeLessThan(50);
    const w = await setup({ order: [2, 1] });
    await w.h.journeys.deploy(competing(JOURNEYS[0]!, { holdout: 50 }));
    await w.h.track([{ customerId: 'ann', type: 'sale' }]);
    expect(w.smtp.mails.map((m) => m.subject).sort()).toEqual(['Newsletter', 'Win-back']);
    expect(await deliveries(w)).toMatchObject({ vip: { status: 'skipped', reason: 'holdout' }, winback: { status: 'sent' }, news: { status: 'sent' } });
  });

  it('the trace of the losing run says why', async () => {
    const w = await setup({ order: [0, 1, 2] });
    await w.h.track([{ customerId: 'ann', type: 'sale' }]);
    const run = (await w.h.runsOf('ann')).find((r) => r.journeyId === 'news')!;
    const entry = (await w.h.storage.outbox.list({ customerId: run.customerId })).find((e) => e.runId === run.id)!;
    expect(entry.lastError).toContain('lost to "VIP" (priority 5)');
    expect(run).toMatchObject({ status: 'completed', endReason: 'sent' });
  });

  it('a deferred message waits for the next free place outside quiet hours, then goes', async () => {
    // Ann lives in New York: the budget frees at 15:00Z on 8 March = 10:00 local, inside 12–20 local
    // only from 12:00 local (17:00Z).
    const w = await setup({ order: [0, 1, 2], email: { overBudget: 'defer', sendFromHour: 12, sendUntilHour: 20 }, timezone: 'America/New_York' });
    await w.h.track([{ customerId: 'ann', type: 'sale' }]);
    expect((await deliveries(w)).news).toMatchObject({
      status: 'pending',
      reason: 'budget 2/7d: lost to "VIP" (priority 5), "Win-back" (priority 3); deferred to 2024-03-08T17:00:00.000Z',
      nextAttemptAt: '2024-03-08T17:00:00.000Z',
      // A deferral is no delivery attempt: the SMTP retries it may need later are all still there.
      attempts: 0,
    });
    await w.h.advance('7d');
    expect(w.smtp.mails).toHaveLength(2);
    await w.h.advance('2h');
    expect(w.smtp.mails).toHaveLength(3);
    expect((await deliveries(w)).news!.status).toBe('sent');
  });

  it('the frequency cap still holds: with a cap of 1 only the highest priority goes, whatever is delivered first', async () => {
    const w = await setup({ order: [2, 1, 0], cap: { max: 1, window: '7d' } });
    await w.h.track([{ customerId: 'ann', type: 'sale' }]);
    expect(w.smtp.mails.map((m) => m.subject)).toEqual(['VIP']);
    const d = await deliveries(w);
    // Which rule speaks depends on the delivery order (before VIP went: the budget; after: the cap), never who is mailed.
    expect(d.winback).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^(budget 2\/7d: lost to "VIP" \(priority 5\)|frequency cap: 1 marketing emails)/) });
    expect(d.news).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^(budget 2\/7d: lost to "VIP" \(priority 5\)|frequency cap: 1 marketing emails)/) });
  });

  it('among equal priorities the message worth most wins: predicted CLV × the score of the journey\'s value model', async () => {
    const w = await mailWorld({ start: '2024-03-01T15:00:00Z', mail: { messageBudget: { max: 1, window: '7d' } } });
    worlds.push(w);
    await w.h.identify([{ customerId: 'ann', email: 'ann@example.com' }]);
    const ann = await w.h.customerId('ann');
    const score = (model: string, value: number) => ({ customerId: ann, model, value, data: {}, modelVersion: 't', scoredAt: 0 });
    await w.h.storage.scores.put([score('clv', 200), score('purchase', 0.1), score('churn', 0.6)]);
    // Upsell is deployed first and would go first; Save is worth 200 × 0.6 = 120 against 200 × 0.1 = 20.
    await w.h.journeys.deploy({ ...competing({ id: 'upsell', name: 'Upsell', priority: 2 }), settings: { priority: 2, valueModel: 'purchase' } });
    await w.h.journeys.deploy({ ...competing({ id: 'save', name: 'Save', priority: 2 }), settings: { priority: 2, valueModel: 'churn' } });
    await w.h.track([{ customerId: 'ann', type: 'sale' }]);
    expect(w.smtp.mails.map((m) => m.subject)).toEqual(['Save']);
    // Before Save went the reason names it; after, the budget is simply spent (delivery order decides which, never who is mailed).
    expect((await deliveries(w)).upsell).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/^budget 1\/7d: (lost to "Save" \(priority 2, expected value 120\.00\)|1 marketing emails already sent in the last 7d)$/),
    });
  });

  it('a journey whose settings.priority is not a whole number is refused, naming the field', async () => {
    const w = await setup({ order: [] });
    await expect(w.h.journeys.deploy({ ...competing(JOURNEYS[0]!), settings: { priority: 'high' } })).rejects.toThrow(/settings\.priority.*whole number/);
  });
});
