import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-server.ts';

let s: TestServer;
let h: Record<string, string>;
beforeAll(async () => {
  s = await startTestServer({ start: '2026-02-02T10:00:00Z' });
  h = await s.key('admin');
});
afterAll(() => s.close());

const graph = (holdout: number) => ({
  settings: { reentry: 'once', goal: { event: 'purchase', within: '7d' }, holdout },
  nodes: [
    { id: 't', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'split', type: 'split.ab', config: { variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] } },
    { id: 'w', type: 'wait.delay', config: { duration: '1d' } },
  ],
  edges: [
    { id: 'e1', source: 't', sourceHandle: 'next', target: 'split' },
    { id: 'e2', source: 'split', sourceHandle: 'a', target: 'w' },
    { id: 'e3', source: 'split', sourceHandle: 'b', target: 'w' },
  ],
});

async function publish(name: string, doc: unknown) {
  const { body } = await s.call('POST', '/api/journeys', { json: { name, graph: doc }, headers: h });
  expect((await s.call('POST', `/api/journeys/${body.journey.id}/publish`, { headers: h })).status).toBe(200);
  return body.journey.id as string;
}

async function batch(items: unknown[]) {
  expect((await s.call('POST', '/api/batch', { json: { batch: items }, headers: h })).body.ok).toBe(true);
  await s.running.engine.runUntilIdle();
}

describe('journey stats: the lift report', () => {
  it('carries `lift` for a journey with a holdout: not enough data first, then treated vs held out', async () => {
    const id = await publish('Lift', graph(30));
    await batch(Array.from({ length: 10 }, (_, i) => ({ kind: 'track', customerId: `few-${i}`, type: 'signup' })));
    let stats = (await s.call('GET', `/api/journeys/${id}/stats`, { headers: h })).body;
    expect(stats.lift.journey.status).toBe('not enough data');
    expect(stats.lift.journey.reasons.length).toBeGreaterThan(0);
    expect(stats.heldOut).toBe(stats.lift.journey.holdout.customers);

    const ids = Array.from({ length: 400 }, (_, i) => `c-${i}`);
    await batch(ids.map((c) => ({ kind: 'track', customerId: c, type: 'signup' })));
    // Every third customer buys, whichever group they are in: no lift to find.
    await batch(ids.filter((_, i) => i % 3 === 0).map((c) => ({ kind: 'order', customerId: c, orderId: `o-${c}`, orderedAt: '2026-02-03T10:00:00Z', amount: 40 })));
    s.clock.set(Date.parse('2026-02-04T10:00:00Z'));
    stats = (await s.call('GET', `/api/journeys/${id}/stats?mde=0.2`, { headers: h })).body;
    const r = stats.lift.journey;
    expect(r.status).toBe('ok');
    expect(r.treated.customers + r.holdout.customers).toBe(410);
    expect(r.treated.conversions + r.holdout.conversions).toBe(134);
    expect(r.conversion.absoluteCi95[0]).toBeLessThan(0);
    expect(r.conversion.absoluteCi95[1]).toBeGreaterThan(0);
    expect(r.sampleSize.mde).toBe(0.2);
    expect(stats.lift.window).toBe('7d');
  });

  it('refuses a minimum detectable effect outside (0, 1], naming the field', async () => {
    const id = await publish('Lift mde', graph(10));
    const r = await s.call('GET', `/api/journeys/${id}/stats?mde=0`, { headers: h });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ field: 'query.mde' });
  });

  it('a journey without a holdout has `lift: null`', async () => {
    const id = await publish('No lift', graph(0));
    expect((await s.call('GET', `/api/journeys/${id}/stats`, { headers: h })).body.lift).toBeNull();
  });
});

describe('POST /api/journeys/:id/declare-winner', () => {
  it('publishes a new version routing everyone to the variant; a wrong variant is a 400 naming the field', async () => {
    const id = await publish('Winner', graph(0));
    const bad = await s.call('POST', `/api/journeys/${id}/declare-winner`, { json: { node: 'split', variant: 'z' }, headers: h });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: 'variant' });
    const ok = await s.call('POST', `/api/journeys/${id}/declare-winner`, { json: { node: 'split', variant: 'b' }, headers: h });
    expect(ok.body).toEqual({ version: 2 });
    await batch(Array.from({ length: 30 }, (_, i) => ({ kind: 'track', customerId: `w-${i}`, type: 'signup' })));
    const stats = (await s.call('GET', `/api/journeys/${id}/stats`, { headers: h })).body;
    expect(stats.nodes.split.ports).toEqual({ b: 30 });
  });

  it('leaves a paused or archived journey as it is: the winner is refused, naming the state, and nobody enters', async () => {
    for (const action of ['pause', 'archive'] as const) {
      const id = await publish(`Held ${action}`, graph(0));
      await s.call('POST', `/api/journeys/${id}/${action}`, { headers: h });
      const refused = await s.call('POST', `/api/journeys/${id}/declare-winner`, { json: { node: 'split', variant: 'b' }, headers: h });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'invalid_state', field: 'status' });
      expect(refused.body.error.message).toMatch(/is (paused|archived); declaring a winner publishes a new version, which would make it live/);
      await batch([{ kind: 'track', customerId: `held-${action}`, type: 'signup' }]);
      const after = (await s.call('GET', `/api/journeys/${id}`, { headers: h })).body.journey;
      expect(after).toMatchObject({ status: action === 'pause' ? 'paused' : 'archived', liveVersion: 1 });
      expect((await s.call('GET', `/api/journeys/${id}/stats`, { headers: h })).body.entered).toBe(0);
    }
  });
});
