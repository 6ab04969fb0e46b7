import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { defineNode } from '../plugin/define-node.ts';
import { startTestServer, type TestServer } from './test-server.ts';

// A plugin effect that is busy on its first attempt for everyone, then sends, except to customer "b" whom it refuses.
const attempts = new Map<string, number>();
const registry = builtinRegistry().use({
  name: 'notify-plugin',
  nodes: [
    defineNode({
      type: 'notify.send', version: 1, label: 'Notify', category: 'action', description: '', fields: [], ports: ['next'],
      run: (ctx) => ({ next: 'next', trace: { queued: ctx.services.enqueue('notify', { to: ctx.customer.externalId }) } }),
    }),
  ],
  effects: {
    notify: async (item) => {
      const n = (attempts.get(item.key) ?? 0) + 1;
      attempts.set(item.key, n);
      if (item.payload.to === 'b') return { status: 'failed', reason: 'no such number' };
      return n === 1 ? { status: 'retry', reason: 'busy' } : { status: 'sent', detail: { id: 'm1' } };
    },
  },
});

let s: TestServer;
let h: Record<string, string>;
beforeAll(async () => {
  s = await startTestServer({ registry });
  h = await s.key('admin');
});
afterAll(() => s.close());

describe("a run's decision trace", () => {
  it('shows each delivery outcome: sent after a retry, or failed with the reason', async () => {
    await s.call('POST', '/api/journeys', { json: { name: 'Notify' }, headers: h });
    const graph = {
      nodes: [
        { id: 'trigger', type: 'trigger.event', config: { event: 'signup' } },
        { id: 'notify', type: 'notify.send', config: {} },
        { id: 'done', type: 'flow.exit', config: {} },
      ],
      edges: [
        { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'notify' },
        { id: 'e2', source: 'notify', sourceHandle: 'next', target: 'done' },
      ],
    };
    await s.call('PUT', '/api/journeys/notify/draft', { json: { graph }, headers: h });
    expect((await s.call('POST', '/api/journeys/notify/publish', { headers: h })).status).toBe(200);
    await s.call('POST', '/api/batch', { json: { batch: [{ kind: 'track', customerId: 'a', type: 'signup' }, { kind: 'track', customerId: 'b', type: 'signup' }] }, headers: h });
    await s.running.engine.runUntilIdle();
    s.clock.advance(86_400_000);
    await s.running.engine.runUntilIdle();

    const a = (await s.call('GET', '/api/customers/a/runs', { headers: h })).body.runs[0];
    expect(a.deliveries).toEqual([expect.objectContaining({ nodeId: 'notify', kind: 'notify', status: 'sent', attempts: 2, retried: true, detail: { id: 'm1' } })]);
    const b = (await s.call('GET', '/api/customers/b/runs', { headers: h })).body.runs[0];
    expect(b.deliveries).toEqual([expect.objectContaining({ nodeId: 'notify', status: 'failed', retried: false, reason: 'no such number' })]);
  });
});
