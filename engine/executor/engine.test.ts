import { afterEach, describe, expect, it } from 'vitest';
import { defineNode } from '../plugin/define-node.ts';
import { eachBackend } from '../testing/backends.ts';
import type { Harness } from '../testing/harness.ts';
import type { Storage } from '../storage/types.ts';
import { testRegistry } from '../testing/test-nodes.ts';
import { builtinRegistry } from '../../nodes/index.ts';
import { trackEvents } from '../ingest/ingest.ts';
import { Engine } from './engine.ts';

const DAY = 86_400_000;

function journey(overrides: Record<string, unknown> = {}) {
  return {
    id: 'welcome',
    name: 'Welcome',
    settings: { reentry: 'once' },
    nodes: [
      { id: 'start', type: 'trigger.event', config: { event: 'signup' } },
      { id: 'wait', type: 'wait.delay', config: { duration: '2d' } },
      { id: 'vip', type: 'condition.attribute', config: { attribute: 'plan', op: 'eq', value: 'pro' } },
      { id: 'endYes', type: 'flow.exit', config: { reason: 'pro' } },
      { id: 'endNo', type: 'flow.exit', config: { reason: 'free' } },
    ],
    edges: [
      { id: 'e1', source: 'start', sourceHandle: 'next', target: 'wait' },
      { id: 'e2', source: 'wait', sourceHandle: 'next', target: 'vip' },
      { id: 'e3', source: 'vip', sourceHandle: 'yes', target: 'endYes' },
      { id: 'e4', source: 'vip', sourceHandle: 'no', target: 'endNo' },
    ],
    ...overrides,
  };
}

let h: Harness<Storage> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

eachBackend('executor', (backend) => {

  describe('engine', () => {
    it('enrolls on a matching event, waits, branches on the profile and ends', async () => {
      h = await backend.harness();
      await h.journeys.deploy(journey());
      await h.identify([{ customerId: 'ann', attributes: { plan: 'pro' } }, { customerId: 'bob', attributes: { plan: 'free' } }]);
      await h.track([{ customerId: 'ann', type: 'signup' }, { customerId: 'bob', type: 'signup' }, { customerId: 'cid', type: 'pageview' }]);
      let [ann] = await h.runsOf('ann');
      expect(ann).toMatchObject({ status: 'waiting', nodeId: 'wait', wakeAt: h.clock.now().getTime() + 2 * DAY });
      expect(await h.runsOf('cid')).toEqual([]);

      await h.advance('1d');
      expect((await h.runsOf('ann'))[0]!.status).toBe('waiting');
      await h.advance('1d');
      [ann] = await h.runsOf('ann');
      const [bob] = await h.runsOf('bob');
      expect(ann).toMatchObject({ status: 'completed', endReason: 'pro' });
      expect(bob).toMatchObject({ status: 'completed', endReason: 'free' });

      const history = await h.storage.runs.history(ann!.id);
      expect(history.map((x) => [x.nodeId, x.kind, x.port])).toEqual([
        ['start', 'enter', null],
        ['start', 'port', 'next'],
        ['wait', 'wait', null],
        ['wait', 'port', 'next'],
        ['vip', 'port', 'yes'],
        ['endYes', 'exit', null],
      ]);
      expect(history.find((x) => x.nodeId === 'vip')!.detail).toMatchObject({ attribute: 'plan', actual: 'pro', value: 'pro' });

      const stats = await h.journeys.stats('welcome');
      expect(stats.enrolled).toBe(2);
      expect(stats.nodes.vip).toMatchObject({ entered: 2, ports: { yes: 1, no: 1 } });
    });

    it('does not enroll events that happened before the journey went live, even when processed after', async () => {
      h = await backend.harness();
      const before = new Date(h.clock.now().getTime() - DAY);
      // A backlog: stored, not yet processed, when the journey is published.
      await trackEvents(h.storage, h.clock, [{ customerId: 'old', type: 'signup', occurredAt: before }]);
      await h.journeys.deploy(journey());
      await h.track([{ customerId: 'new', type: 'signup' }]);
      expect(await h.runsOf('old')).toEqual([]);
      expect(await h.runsOf('new')).toHaveLength(1);
    });

    it('ignores a repeated idempotency key', async () => {
      h = await backend.harness();
      await h.journeys.deploy(journey({ settings: { reentry: 'always' } }));
      const r1 = await h.track([{ customerId: 'ann', type: 'signup', idempotencyKey: 'k1' }]);
      const r2 = await h.track([{ customerId: 'ann', type: 'signup', idempotencyKey: 'k1' }]);
      expect(r1).toMatchObject({ accepted: 1, duplicates: 0 });
      expect(r2).toMatchObject({ accepted: 0, duplicates: 1 });
      await h.advance('3d');
      expect(await h.runsOf('ann')).toHaveLength(1);
    });

    it.each([
      ['once', undefined, 1],
      ['always', undefined, 3],
      ['after', '5d', 2],
    ])('re-entry %s (%s): signups on day 0, 1 (in flight), 3 and 6 give %i runs', async (reentry, after, expected) => {
      h = await backend.harness();
      await h.journeys.deploy(journey({ settings: { reentry, ...(after ? { reentryAfter: after } : {}) } }));
      for (const day of [0, 1, 3, 6]) {
        await h.track([{ customerId: 'ann', type: 'signup' }]);
        await h.advance(day === 0 ? '1d' : day === 1 ? '2d' : '3d');
      }
      await h.advance('10d');
      const runs = await h.runsOf('ann');
      expect(runs).toHaveLength(expected);
      expect(runs.every((r) => r.status === 'completed')).toBe(true);
    });

    it('wait.event leaves through "event" on a matching event and "timeout" otherwise', async () => {
      h = await backend.harness();
      await h.journeys.deploy({
        id: 'cart',
        name: 'Cart',
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'cart_add' } },
          { id: 'w', type: 'wait.event', config: { event: 'purchase', where: [{ path: 'amount', op: 'gt', value: 10 }], timeout: '4h' } },
        ],
        edges: [{ id: 'e1', source: 't', sourceHandle: 'next', target: 'w' }],
      });
      await h.track([{ customerId: 'buyer', type: 'cart_add' }, { customerId: 'idle', type: 'cart_add' }, { customerId: 'small', type: 'cart_add' }]);
      await h.advance('1h');
      await h.track([
        { customerId: 'buyer', type: 'purchase', properties: { amount: 50 } },
        { customerId: 'small', type: 'purchase', properties: { amount: 5 } },
      ]);
      expect((await h.runsOf('buyer'))[0]).toMatchObject({ status: 'completed' });
      expect((await h.runsOf('small'))[0]).toMatchObject({ status: 'waiting' });
      await h.advance('4h');
      const stats = await h.journeys.stats('cart');
      expect(stats.nodes.w!.ports).toEqual({ event: 1, timeout: 2 });
    });

    it('converts runs on the goal event and credits the branch taken', async () => {
      h = await backend.harness();
      await h.journeys.deploy(journey({ settings: { reentry: 'once', goal: { event: 'purchase', where: [{ path: 'amount', op: 'gte', value: 20 }], within: '7d' } } }));
      await h.identify([{ customerId: 'ann', attributes: { plan: 'pro' } }]);
      await h.track([{ customerId: 'ann', type: 'signup' }, { customerId: 'bob', type: 'signup' }, { customerId: 'cat', type: 'signup' }]);
      await h.advance('1d');
      await h.track([{ customerId: 'ann', type: 'purchase', properties: { amount: 10 } }]);
      expect((await h.runsOf('ann'))[0]!.status).toBe('waiting');
      await h.track([{ customerId: 'ann', type: 'purchase', properties: { amount: 30 } }]);
      expect((await h.runsOf('ann'))[0]).toMatchObject({ status: 'converted', endReason: 'goal' });
      await h.advance('8d');
      await h.track([{ customerId: 'bob', type: 'purchase', properties: { amount: 30 } }]);
      const stats = await h.journeys.stats('welcome');
      expect(stats.converted).toBe(1);
      expect((await h.runsOf('bob'))[0]!.status).toBe('completed');
    });

    it('exits runs on an exit event', async () => {
      h = await backend.harness();
      await h.journeys.deploy(journey({ settings: { reentry: 'once', exitOn: [{ event: 'email_unsubscribed' }] } }));
      await h.track([{ customerId: 'ann', type: 'signup' }]);
      await h.track([{ customerId: 'ann', type: 'email_unsubscribed' }]);
      expect((await h.runsOf('ann'))[0]).toMatchObject({ status: 'exited', endReason: 'exit event email_unsubscribed' });
    });

    it('pause freezes enrollment and progress; resume continues, including events that arrived meanwhile', async () => {
      h = await backend.harness();
      await h.journeys.deploy({
        id: 'p',
        name: 'P',
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'signup' } },
          { id: 'd', type: 'wait.delay', config: { duration: '1d' } },
          { id: 'w', type: 'wait.event', config: { event: 'click', timeout: '30d' } },
        ],
        edges: [
          { id: 'e1', source: 't', sourceHandle: 'next', target: 'd' },
          { id: 'e2', source: 'd', sourceHandle: 'next', target: 'w' },
        ],
      });
      await h.track([{ customerId: 'ann', type: 'signup' }, { customerId: 'bob', type: 'signup' }]);
      await h.advance('1d');
      await h.track([{ customerId: 'bob', type: 'signup' }]);
      await h.journeys.pause('p');
      await h.track([{ customerId: 'cat', type: 'signup' }, { customerId: 'ann', type: 'click' }]);
      await h.advance('40d');
      expect(await h.runsOf('cat')).toEqual([]);
      expect((await h.runsOf('ann'))[0]).toMatchObject({ status: 'waiting', nodeId: 'w' });
      await h.journeys.resume('p');
      await h.advance('1m');
      expect((await h.runsOf('ann'))[0]).toMatchObject({ status: 'completed' });
      // bob's 30-day timeout passed while paused: it fires on resume.
      expect((await h.runsOf('bob'))[0]).toMatchObject({ status: 'completed' });
      const stats = await h.journeys.stats('p');
      expect(stats.nodes.w!.ports).toEqual({ event: 1, timeout: 1 });
    });

    it('keeps runs in flight on their version when a new one is published', async () => {
      h = await backend.harness();
      await h.journeys.deploy(journey());
      await h.track([{ customerId: 'ann', type: 'signup' }]);
      const v2 = journey({ settings: { reentry: 'once' } });
      (v2.nodes as { id: string; config: Record<string, unknown> }[])[1]!.config = { duration: '10d' };
      expect((await h.journeys.deploy(v2)).version).toBe(2);
      await h.track([{ customerId: 'bob', type: 'signup' }]);
      const [ann] = await h.runsOf('ann');
      const [bob] = await h.runsOf('bob');
      expect([ann!.version, bob!.version]).toEqual([1, 2]);
      await h.advance('3d');
      expect((await h.runsOf('ann'))[0]!.status).toBe('completed');
      expect((await h.runsOf('bob'))[0]!.status).toBe('waiting');
    });

    it('a node that throws fails only its run, with node id and error', async () => {
      const registry = builtinRegistry().register(
        defineNode({
          type: 'test.boom',
          version: 1,
          label: 'Boom',
          category: 'action',
          description: 'throws for customers named boom',
          fields: [],
          ports: ['next'],
          run: (ctx) => {
            if (ctx.customer.externalId === 'boom') throw new Error('kaput');
            return { next: 'next' };
          },
        }),
      );
      h = await backend.harness({ registry });
      await h.journeys.deploy({
        id: 'b',
        name: 'B',
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'go' } },
          { id: 'x', type: 'test.boom' },
        ],
        edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'x' }],
      });
      await h.track([{ customerId: 'boom', type: 'go' }, { customerId: 'fine', type: 'go' }]);
      expect((await h.runsOf('boom'))[0]).toMatchObject({ status: 'failed', nodeId: 'x' });
      expect((await h.runsOf('boom'))[0]!.error).toMatch(/node "x" \(test.boom, plugin built-in\) threw: kaput/);
      expect((await h.runsOf('fine'))[0]!.status).toBe('completed');
    });

    it('recovers runs whose lease was left by a dead worker, and a stale worker cannot move them again', async () => {
      h = await backend.harness();
      await h.journeys.deploy(journey());
      await h.track([{ customerId: 'ann', type: 'signup' }]);
      h.clock.advance(2 * DAY);
      // A worker claims the due run and dies before committing.
      const dead = await h.storage.runs.claimDue({ now: h.clock.now().getTime(), owner: 'dead', leaseMs: 60_000, limit: 10 });
      expect(dead).toHaveLength(1);
      expect(await h.engine.processDue()).toBe(0);
      h.clock.advance(61_000);
      expect(await h.engine.processDue()).toBe(1);
      expect((await h.runsOf('ann'))[0]!.status).toBe('completed');
      // The dead worker wakes up and tries to commit its stale move: compare-and-set refuses it.
      const stale = { ...dead[0]!, nodeId: 'endNo', visit: dead[0]!.visit + 1, status: 'completed' as const };
      const r = await h.storage.runs.commit(
        [{ eventIds: [], inserts: [], updates: [{ run: stale, expect: { nodeId: dead[0]!.nodeId, visit: dead[0]!.visit } }], history: [], outbox: [], counters: [], profiles: [] }],
        h.clock.now().getTime(),
      );
      expect(r.failed).toEqual([0]);
      // ann has no plan: the live worker's decision stands.
      expect((await h.runsOf('ann'))[0]!.endReason).toBe('free');
    });

    it('runs 90 days of a weekly-looping journey on a virtual clock', async () => {
      h = await backend.harness();
      await h.journeys.deploy({
        id: 'weekly',
        name: 'Weekly',
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'signup' } },
          { id: 'w', type: 'wait.delay', config: { duration: '1w' } },
          { id: 'c', type: 'condition.attribute', config: { attribute: 'stop', op: 'exists' } },
        ],
        edges: [
          { id: 'e1', source: 't', sourceHandle: 'next', target: 'w' },
          { id: 'e2', source: 'w', sourceHandle: 'next', target: 'c' },
          { id: 'e3', source: 'c', sourceHandle: 'no', target: 'w' },
        ],
      });
      await h.track(Array.from({ length: 200 }, (_, i) => ({ customerId: `c${i}`, type: 'signup' })));
      await h.advance('90d');
      const stats = await h.journeys.stats('weekly');
      expect(stats.nodes.w!.ports.next).toBe(200 * 12);
      expect(stats.nodes.w!.waiting).toBe(200);
      expect(h.clock.now().toISOString()).toBe('2024-03-31T00:00:00.000Z');
    });
  });

  describe('engine with two workers', () => {
    it('never lets two workers move the same run', async () => {
      h = await backend.harness();
      await h.journeys.deploy(journey());
      await h.track(Array.from({ length: 300 }, (_, i) => ({ customerId: `c${i}`, type: 'signup' })));
      h.clock.advance(2 * DAY);
      const other = new Engine({ storage: h.storage, registry: h.registry, clock: h.clock, batchSize: 50 });
      await Promise.all([h.engine.runUntilIdle(), other.runUntilIdle()]);
      const stats = await h.journeys.stats('welcome');
      expect(stats.nodes.vip!.entered).toBe(300);
      expect(stats.statuses.completed).toBe(300);
    });
  });

  describe('outbox delivery', () => {
    it('delivers customers concurrently, each customer in order, every entry once', async () => {
      const registry = testRegistry();
      let inFlight = 0;
      let maxInFlight = 0;
      const delivered: string[] = [];
      registry.registerEffect('test', async (item) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // A real network round trip, so lanes genuinely overlap.
        await new Promise((resolve) => setTimeout(resolve, 5));
        delivered.push(`${String(item.payload.customer)}:${String(item.payload.tag)}`);
        inFlight--;
        return { status: 'sent' };
      });
      h = await backend.harness({ registry });
      await h.journeys.deploy({
        id: 'two-sends',
        name: 'Two sends',
        settings: { reentry: 'once' },
        nodes: [
          { id: 'start', type: 'trigger.event', config: { event: 'signup' } },
          { id: 'first', type: 'test.enqueue', config: { tag: 'first' } },
          { id: 'second', type: 'test.enqueue', config: { tag: 'second' } },
          { id: 'end', type: 'flow.exit', config: {} },
        ],
        edges: [
          { id: 'e1', source: 'start', sourceHandle: 'next', target: 'first' },
          { id: 'e2', source: 'first', sourceHandle: 'next', target: 'second' },
          { id: 'e3', source: 'second', sourceHandle: 'next', target: 'end' },
        ],
      });
      const customers = Array.from({ length: 20 }, (_, i) => `c${i}`);
      await h.track(customers.map((customerId) => ({ customerId, type: 'signup' })));
      expect(delivered).toHaveLength(40);
      expect(new Set(delivered).size).toBe(40);
      expect(maxInFlight).toBeGreaterThan(1);
      for (const c of customers) expect(delivered.indexOf(`${c}:first`)).toBeLessThan(delivered.indexOf(`${c}:second`));
    });
  });
});
