import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyGraph } from '../graph/types.ts';
import { journeyLift } from '../stats/journey-lift.ts';
import { mailWorld } from '../testing/mail-world.ts';
import { validateJourney } from '../graph/validate.ts';
import { builtinRegistry } from '../../nodes/index.ts';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const START = '2026-03-01T09:00:00Z';
const DAY = 86_400_000;

/** signup → welcome mail → (2 h) → follow-up mail → exit; goal: a purchase within 7 days. */
function journey(settings: Record<string, unknown>, welcome: Record<string, unknown> = {}) {
  return {
    id: 'welcome',
    name: 'Welcome',
    settings: { goal: { event: 'purchase', within: '7d' }, ...settings },
    nodes: [
      { id: 't', type: 'trigger.event', config: { event: 'signup' } },
      { id: 'hello', type: 'action.email', config: { subject: 'Hello', html: '<p>Hello</p>', ...welcome } },
      { id: 'w', type: 'wait.delay', config: { duration: '2h' } },
      { id: 'tips', type: 'action.email', config: { subject: 'Tips', html: '<p>Tips</p>' } },
      { id: 'x', type: 'flow.exit', config: { reason: 'done' } },
    ],
    edges: [
      { id: 'e1', source: 't', sourceHandle: 'next', target: 'hello' },
      { id: 'e2', source: 'hello', sourceHandle: 'next', target: 'w' },
      { id: 'e3', source: 'w', sourceHandle: 'next', target: 'tips' },
      { id: 'e4', source: 'tips', sourceHandle: 'next', target: 'x' },
    ],
  };
}

async function world(doc: ReturnType<typeof journey>, n: number) {
  const w = await mailWorld({ start: START });
  cleanup.push(w.close);
  await w.h.journeys.deploy(doc);
  const ids = Array.from({ length: n }, (_, i) => `c${i}`);
  await w.h.identify(ids.map((id) => ({ customerId: id, email: `${id}@shop.example` })));
  await w.h.track(ids.map((id) => ({ customerId: id, type: 'signup' })));
  const graph = (await w.h.storage.journeys.version('welcome', 1))!.graph as JourneyGraph;
  return { ...w, ids, graph };
}

describe('journey holdout (settings.holdout)', () => {
  it('holds out about the set share, mails none of them, and measures both groups over the goal window', async () => {
    const { h, smtp, ids, graph } = await world(journey({ holdout: 20 }), 2000);
    await h.advance('3h');

    const runs = (await Promise.all(ids.map(async (id) => [id, (await h.runsOf(id))[0]!] as const))).map(([id, r]) => ({ id, run: r }));
    const heldOut = runs.filter((r) => r.run.endReason === 'holdout');
    const treated = runs.filter((r) => r.run.endReason !== 'holdout');
    // 20 % of 2,000 is 400; the binomial sd is √(2000·0.2·0.8) ≈ 18, so 4 sd either side.
    expect(heldOut.length).toBeGreaterThan(400 - 72);
    expect(heldOut.length).toBeLessThan(400 + 72);
    expect(heldOut.every((r) => r.run.status === 'exited')).toBe(true);
    expect(treated.every((r) => r.run.status === 'completed')).toBe(true);

    // Held-out customers got no mail at all; every treated customer got both.
    const mailedTo = smtp.mails.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0]!.address);
    const heldOutAddresses = new Set(heldOut.map((r) => `${r.id}@shop.example`));
    expect(mailedTo.filter((a) => heldOutAddresses.has(a!))).toEqual([]);
    expect(mailedTo).toHaveLength(treated.length * 2);

    // The trace says so; the counters carry it.
    const trace = await h.storage.runs.history(heldOut[0]!.run.id);
    expect(trace.map((s) => s.kind)).toEqual(['enter', 'holdout']);
    expect(String(trace[1]!.detail!.reason)).toMatch(/^held out: 20 % of customers/);
    const stats = await h.journeys.stats('welcome');
    expect(stats.heldOut).toBe(heldOut.length);
    expect(stats.enrolled).toBe(2000);

    // The same customers are held out on a second look: the draw is per customer, not per call.
    const again = await world(journey({ holdout: 20 }), 50);
    const held50 = (await Promise.all(again.ids.map(async (id) => ((await again.h.runsOf(id))[0]!.endReason === 'holdout' ? id : null)))).filter(Boolean);
    expect(held50).toEqual(heldOut.map((r) => r.id).filter((id) => again.ids.includes(id)));

    // Treated customers buy at 1 in 2, held-out ones at 1 in 4, each for 30 inside the window;
    // one more purchase each 8 days later falls outside it and counts for neither.
    const buyers = [...treated.filter((_, i) => i % 2 === 0), ...heldOut.filter((_, i) => i % 4 === 0)];
    await h.advance('1d');
    await h.orders(buyers.map((b) => ({ customerId: b.id, orderId: `o-${b.id}`, orderedAt: h.clock.now(), amount: 30 })));
    await h.advance('8d');
    await h.orders(buyers.map((b) => ({ customerId: b.id, orderId: `late-${b.id}`, orderedAt: h.clock.now(), amount: 500 })));

    const lift = (await journeyLift(h.storage, graph, h.clock.now().getTime()))!;
    const r = lift.journey!;
    const treatedBuyers = Math.ceil(treated.length / 2);
    const heldOutBuyers = Math.ceil(heldOut.length / 4);
    expect(r.treated).toMatchObject({ customers: treated.length, conversions: treatedBuyers, revenue: 30 * treatedBuyers });
    expect(r.holdout).toMatchObject({ customers: heldOut.length, conversions: heldOutBuyers, revenue: 30 * heldOutBuyers });
    expect(r.status).toBe('ok');
    expect(r.conversion!.absolute).toBeCloseTo(treatedBuyers / treated.length - heldOutBuyers / heldOut.length, 10);
    expect(r.conversion!.significant).toBe(true);
    expect(r.incrementalRevenue!.value).toBeCloseTo((30 * treatedBuyers) / treated.length * treated.length - (30 * heldOutBuyers) / heldOut.length * treated.length, 6);
    expect(lift.window).toBe('7d');
  });

  it('a journey without a holdout holds nobody out and has no lift report', async () => {
    const { h, smtp, ids, graph } = await world(journey({}), 20);
    await h.advance('3h');
    expect(smtp.mails).toHaveLength(ids.length * 2);
    expect(await journeyLift(h.storage, graph, h.clock.now().getTime())).toBeNull();
  });
});

describe('message holdout (action.email holdout)', () => {
  it('skips only that message for the share, recorded as `holdout`; the run goes on and the message gets its own lift', async () => {
    const { h, smtp, ids, graph } = await world(journey({}, { holdout: 30 }), 300);
    await h.advance('3h');
    const hello = await h.storage.outbox.list({ kind: 'email', limit: 10_000 });
    const skipped = hello.filter((o) => o.nodeId === 'hello' && o.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(90 - 40);
    expect(skipped.length).toBeLessThan(90 + 40);
    expect(skipped.every((o) => o.lastError === 'holdout')).toBe(true);
    expect(hello.filter((o) => o.nodeId === 'hello' && o.status === 'sent')).toHaveLength(300 - skipped.length);
    // Everyone still got the follow-up and finished the journey.
    expect(hello.filter((o) => o.nodeId === 'tips' && o.status === 'sent')).toHaveLength(300);
    expect(smtp.mails.filter((m) => m.subject === 'Hello')).toHaveLength(300 - skipped.length);
    expect(smtp.mails.filter((m) => m.subject === 'Tips')).toHaveLength(300);
    const one = skipped[0]!;
    expect((await h.storage.runs.get(one.runId))!.status).toBe('completed');
    const step = (await h.storage.runs.history(one.runId)).find((s) => s.nodeId === 'hello' && s.kind === 'port')!;
    expect(step.detail).toMatchObject({ heldOut: true, holdout: 30 });

    // Held-out customers of the message buy; the others do not: the message shows a negative lift.
    const heldIds = new Set(skipped.map((o) => o.customerId));
    const customers = await h.storage.customers.get([...new Set(hello.map((o) => o.customerId))]);
    const heldExternal = customers.filter((c) => heldIds.has(c.id)).map((c) => c.externalId);
    await h.orders(heldExternal.map((id) => ({ customerId: id, orderId: `o-${id}`, orderedAt: h.clock.now(), amount: 10 })));
    const lift = (await journeyLift(h.storage, graph, h.clock.now().getTime() + DAY))!;
    expect(lift.journey).toBeNull();
    const m = lift.messages.hello!;
    expect(m.holdout).toMatchObject({ customers: skipped.length, conversions: skipped.length, revenue: 10 * skipped.length });
    expect(m.treated).toMatchObject({ customers: 300 - skipped.length, conversions: 0, revenue: 0 });
    expect(lift.messages.tips).toBeUndefined();
    expect(ids).toHaveLength(300);
  });
});

describe('holdout settings are validated', () => {
  const registry = builtinRegistry();
  it('refuses a journey holdout outside 0–50 %, naming the field and the fix', () => {
    for (const holdout of [60, -1, '10']) {
      const v = validateJourney(journey({ holdout }), registry);
      expect(v.ok).toBe(false);
      expect(v.problems).toContainEqual(expect.objectContaining({ field: 'settings.holdout', message: 'settings.holdout: give a percentage from 0 to 50, e.g. 10 keeps 10 % of customers out of the journey to measure its lift' }));
    }
    expect(validateJourney(journey({ holdout: 50 }), registry).ok).toBe(true);
  });
  it('refuses a message holdout above 50 %', () => {
    const v = validateJourney(journey({}, { holdout: 80 }), registry);
    expect(v.problems).toContainEqual(expect.objectContaining({ nodeId: 'hello', field: 'holdout', message: 'node "hello" (action.email): Holdout (%): must be at most 50' }));
  });
  it('refuses a holdout on a transactional message, which must reach everyone', () => {
    const v = validateJourney(journey({}, { holdout: 10, transactional: true }), registry);
    expect(v.problems).toContainEqual(expect.objectContaining({ nodeId: 'hello', field: 'holdout', message: expect.stringContaining('a transactional message (a receipt, a password reset) must reach everyone') }));
  });
});
