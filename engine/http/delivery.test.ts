import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepUnit } from '../storage/types.ts';
import { startTestServer, type TestServer } from './test-server.ts';

let s: TestServer;
let h: Record<string, string>;
beforeAll(async () => {
  s = await startTestServer();
  h = await s.key('admin');
});
afterAll(() => s.close());

const unit = (keys: string[]): StepUnit => ({
  eventIds: [],
  inserts: [],
  updates: [],
  history: [],
  counters: [],
  profiles: [],
  outbox: keys.map((key, i) => ({ key, runId: i + 1, journeyId: 'j', nodeId: 'm', customerId: i + 1, kind: 'email', payload: {} })),
});

describe('delivery operations', () => {
  it('entries a crash left unknown show in metrics and the API with the policy, and can be re-queued', async () => {
    const t = s.clock.now().getTime();
    await s.storage.runs.commit([unit(['u1', 'u2', 'u3'])], t);
    await s.storage.outbox.claim({ now: t, owner: 'dead', leaseMs: 1000, limit: 10 });
    // The process died with u1 and u2 on the wire; u3 had not started.
    await s.storage.outbox.settle([], t, { owner: 'dead', leaseMs: 1000, keys: ['u1', 'u2'] });
    await s.storage.outbox.recover(t + 1000);

    const metrics = await s.call('GET', '/metrics', { headers: h });
    expect(metrics.body).toMatch(/^foresight_outbox_unknown 2$/m);
    expect(metrics.body).toMatch(/^foresight_delivery_paused 0$/m);
    const health = await s.call('GET', '/api/delivery', { headers: h });
    expect(health.body).toMatchObject({ outbox: { unknown: 2, pending: 1 }, paused: [] });
    expect(health.body.unknownPolicy).toMatch(/never resent automatically/);
    const list = await s.call('GET', '/api/outbox?status=unknown', { headers: h });
    expect(list.body.entries.map((e: { key: string }) => e.key)).toEqual(['u1', 'u2']);

    const bad = await s.call('POST', '/api/outbox/requeue', { json: { status: 'sent' }, headers: h });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'body.status']);
    expect((await s.call('POST', '/api/outbox/requeue', { json: { status: 'unknown', keys: ['u2'] }, headers: h })).body).toEqual({ requeued: 1 });
    expect((await s.storage.outbox.get('u2'))!).toMatchObject({ status: 'pending', lastError: expect.stringMatching(/^re-queued by an operator/) });
    expect((await s.call('POST', '/api/outbox/requeue', { json: { status: 'unknown' }, headers: h })).body).toEqual({ requeued: 1 });
    expect((await s.call('GET', '/api/delivery', { headers: h })).body.outbox).toEqual({ pending: 3 });
  });

  it('lifts suppressions in bulk by reason and time range', async () => {
    await s.storage.suppressions.add([{ email: 'old@x.io', reason: 'bounce' }], Date.parse('2024-03-01T08:00:00Z'));
    await s.storage.suppressions.add([{ email: 'a@x.io', reason: 'bounce' }, { email: 'b@x.io', reason: 'bounce' }, { email: 'c@x.io', reason: 'complaint' }], Date.parse('2024-03-01T09:10:00Z'));
    const bad = await s.call('POST', '/api/suppressions/lift', { json: { reason: 'bounce', since: 'yesterday' }, headers: h });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'body.since']);
    const lifted = await s.call('POST', '/api/suppressions/lift', { json: { reason: 'bounce', since: '2024-03-01T09:00:00Z', until: '2024-03-01T09:30:00Z' }, headers: h });
    expect(lifted.body).toEqual({ lifted: 2 });
    const left = await s.call('GET', '/api/suppressions', { headers: h });
    expect(left.body.suppressions.map((x: { email: string }) => x.email)).toEqual(['c@x.io', 'old@x.io']);
  });
});
