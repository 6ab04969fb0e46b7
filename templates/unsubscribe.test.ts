import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { refreshSegments } from '../engine/jobs/segment-refresh.ts';
import { createTrackingRouter } from '../engine/messaging/tracking-router.ts';
import { signToken } from '../engine/messaging/tokens.ts';
import { createHarness, type Harness } from '../engine/testing/harness.ts';
import { importTemplate, TEMPLATE_IDS } from './index.ts';

const SECRET = 'unsubscribe-test-secret-0123456789abcdef';
const DAY = 86_400_000;

/**
 * How one customer gets into each template and to a point where the journey
 * still has effects ahead of it (a send, a webhook or a profile update).
 * `after` is what the customer does after unsubscribing that would move a run
 * that did not stop (e.g. answering the NPS survey).
 */
const scenarios: Record<(typeof TEMPLATE_IDS)[number], { enter(h: Harness): Promise<unknown>; after?(h: Harness): Promise<unknown> }> = {
  'welcome-series': { enter: (h) => order(h).then(() => h.advance('1d')) },
  'first-purchase': {
    enter: async (h) => {
      await h.identify([{ customerId: 'c1', email: 'c1@shop.example' }]);
      await score(h, 'engagement', 0.9);
      await h.track([{ customerId: 'c1', type: 'email_opened' }]);
    },
  },
  replenishment: { enter: (h) => order(h) },
  'cross-sell': { enter: (h) => order(h) },
  'cart-abandonment': { enter: (h) => h.track([{ customerId: 'c1', type: 'cart_add' }]) },
  'churn-prevention': { enter: (h) => enterSegment(h, 'at-risk-customers', [['lifecycle', null, { stage: 'at-risk' }], ['churn', 0.9, {}]]) },
  'win-back': { enter: (h) => enterSegment(h, 'lapsed-customers', [['lifecycle', null, { stage: 'lapsed' }]]) },
  'vip-appreciation': { enter: (h) => enterSegment(h, 'high-value-customers', [['value_tier', null, { tier: 'high' }]]) },
  'nps-follow-up': {
    enter: (h) => order(h).then(() => h.advance('14d')),
    after: async (h) => {
      await h.identify([{ customerId: 'c1', attributes: { nps_score: '2' } }]);
      await h.track([{ customerId: 'c1', type: 'nps_response', properties: { score: 2 } }]);
    },
  },
};

/** A first order, now. */
const order = (h: Harness) => h.orders([{ customerId: 'c1', orderId: 'o1', orderedAt: h.clock.now().toISOString(), amount: 30 }]);

async function score(h: Harness, model: string, value: number | null, data: Record<string, unknown> = {}): Promise<void> {
  const customerId = await h.customerId('c1');
  await h.storage.scores.put([{ customerId, model, value, data, modelVersion: 'test', scoredAt: h.clock.now().getTime() }]);
}

async function enterSegment(h: Harness, segment: string, scores: [string, number | null, Record<string, unknown>][]): Promise<void> {
  await h.identify([{ customerId: 'c1', email: 'c1@shop.example' }]);
  for (const [model, value, data] of scores) await score(h, model, value, data);
  await refreshSegments(h.storage, h.clock, { names: [segment] });
  await h.engine.runUntilIdle();
}

/** Unsubscribes through the real link route, as the customer's click would. */
async function clickUnsubscribe(h: Harness, journeyId: string): Promise<void> {
  const app = express().use('/t', createTrackingRouter({ storage: h.storage, clock: h.clock, secret: SECRET }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const token = signToken({ action: 'unsubscribe', customerId: await h.customerId('c1'), key: 'm1', journeyId, nodeId: 'mail' }, SECRET);
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/t/unsubscribe/${token}`, { method: 'POST' });
    expect(res.status).toBe(200);
  } finally {
    await new Promise((r) => server.close(r));
  }
  await h.engine.runUntilIdle();
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('every template stops for a customer who unsubscribes', () => {
  it.each(TEMPLATE_IDS.map((id) => [id]))('%s: the run exits on the unsubscribe link and causes nothing more', async (id) => {
    h = createHarness({ start: '2025-03-03T08:00:00Z' });
    await importTemplate(h, id);
    await h.journeys.publish(id);
    await scenarios[id].enter(h);
    const [run] = await h.runsOf('c1');
    expect(run?.status, `${id}: the customer should be on the way through the journey`).toBe('waiting');

    const customerId = await h.customerId('c1');
    const effectsBefore = (await h.storage.outbox.list({ customerId })).length;
    await clickUnsubscribe(h, id);
    await scenarios[id].after?.(h);
    await h.advance(90 * DAY);

    expect((await h.runsOf('c1'))[0]).toMatchObject({ id: run!.id, status: 'exited', endReason: 'exit event email_unsubscribed' });
    // No further mail, webhook or plugin effect was queued, and the profile was not touched.
    expect((await h.storage.outbox.list({ customerId })).length).toBe(effectsBefore);
    const [customer] = await h.storage.customers.get([customerId]);
    expect(customer!.attributes.tags ?? []).toEqual([]);
  });
});
