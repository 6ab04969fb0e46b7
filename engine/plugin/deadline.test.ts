import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../executor/engine.ts';
import { assertNoRejections, trackEvents } from '../ingest/ingest.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { builtinRegistry } from '../../nodes/index.ts';
import { withDeadline } from './deadline.ts';
import { defineNode } from './define-node.ts';

/** Plugin code that never settles must not hold the engine (issue 18 §1). */
const never = () => new Promise<never>(() => {});

/** An action that enqueues one effect of the kind named in its config. */
const send = defineNode<{ kind: string }>({
  type: 'acme.send',
  version: 1,
  label: 'Send',
  category: 'action',
  description: 'Enqueues an effect (tests only).',
  fields: [{ key: 'kind', label: 'Effect', kind: 'text', required: true }],
  ports: ['next'],
  run: (ctx) => {
    ctx.services.enqueue(ctx.config.kind, {});
    return { next: 'next' };
  },
});

/** A node whose run never settles for customers named "stuck*". */
const hang = defineNode({
  type: 'acme.hang',
  version: 1,
  label: 'Hang',
  category: 'condition',
  description: 'Never answers for some customers (tests only).',
  fields: [],
  ports: ['next'],
  timeoutMs: 100,
  run: (ctx) => (ctx.customer.externalId.startsWith('stuck') ? never() : { next: 'next' }),
});

const journey = (id: string, event: string, node: { type: string; config?: Record<string, unknown> }) => ({
  id,
  name: id,
  settings: { reentry: 'always' },
  nodes: [
    { id: 'start', type: 'trigger.event', config: { event } },
    { id: 'x', ...node },
  ],
  edges: [{ id: 'e1', source: 'start', sourceHandle: 'next', target: 'x' }],
});

let h: Harness;
afterEach(async () => h?.close());

describe('deadlines', () => {
  it('withDeadline passes results and errors through and rejects a promise that never settles, naming it', async () => {
    expect(await withDeadline(() => 7, 50, 'quick')).toBe(7);
    await expect(withDeadline(() => Promise.reject(new Error('no')), 50, 'failing')).rejects.toThrow('no');
    await expect(withDeadline(never, 30, 'node "x" run')).rejects.toThrow('node "x" run did not finish within 30 ms');
  });

  it('keeps every deadline when calls overlap: the hung ones fail on time, whatever settled before or between them', async () => {
    const quick = (v: number) => new Promise<number>((resolve) => setTimeout(() => resolve(v), 5));
    const outcomes = await Promise.allSettled([
      withDeadline(() => quick(1), 60, 'first'),
      withDeadline(never, 60, 'hung a'),
      withDeadline(() => quick(3), 60, 'third'),
      withDeadline(never, 60, 'hung b'),
      withDeadline(never, 30, 'shorter'),
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      1,
      'hung a did not finish within 60 ms',
      3,
      'hung b did not finish within 60 ms',
      'shorter did not finish within 30 ms',
    ]);
    // The queue is reusable after it drained: a later hung call still fails.
    await expect(withDeadline(never, 20, 'later')).rejects.toThrow('later did not finish within 20 ms');
  });

  it('a hanging or malformed effect handler is retried with the reason; the other deliveries of the batch are sent', async () => {
    const registry = builtinRegistry().use({ name: 'acme', nodes: [send], effects: { hang: never, ok: async () => ({ status: 'sent' }), odd: async () => undefined as never } });
    h = createHarness({ registry });
    const engine = new Engine({ storage: h.storage, registry, clock: h.clock, effectTimeoutMs: 100 });
    await h.journeys.deploy(journey('slow', 'a', { type: 'acme.send', config: { kind: 'hang' } }));
    await h.journeys.deploy(journey('fast', 'b', { type: 'acme.send', config: { kind: 'ok' } }));
    await h.journeys.deploy(journey('odd', 'c', { type: 'acme.send', config: { kind: 'odd' } }));
    // Stored directly (h.track would deliver with the harness engine and its 30 s default).
    assertNoRejections(await trackEvents(h.storage, h.clock, [{ customerId: 'c1', type: 'a' }, { customerId: 'c2', type: 'b' }, { customerId: 'c3', type: 'c' }]));
    await engine.runUntilIdle();
    const [hung] = await h.storage.outbox.list({ kind: 'hang' });
    expect(hung).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/effect "hang" for .* did not finish within 100 ms/) });
    expect(hung!.nextAttemptAt).toBeGreaterThan(h.clock.now().getTime());
    expect((await h.storage.outbox.list({ kind: 'ok' })).map((o) => o.status)).toEqual(['sent']);
    // A handler answering undefined is retried with the reason, not the end of the batch.
    expect((await h.storage.outbox.list({ kind: 'odd' }))[0]).toMatchObject({ status: 'pending', lastError: `effect "odd" answered undefined; return { status: 'sent' | 'retry' | 'failed' | 'skipped' | 'blocked' | 'deferred' }` });
  });

  it('shutdown waits only for the customers in flight: the rest of a batch of hanging runs is left to its lease and done later, once each', async () => {
    let started = 0;
    const counted = defineNode({ ...hang, run: (ctx) => (started++, hang.run(ctx)) });
    const registry = builtinRegistry().use({ name: 'acme', nodes: [counted] });
    h = createHarness({ registry });
    await h.journeys.deploy(journey('hangs', 'signup', { type: 'acme.hang' }));
    const customers = Array.from({ length: 20 }, (_, i) => `stuck${i}`);
    assertNoRejections(await trackEvents(h.storage, h.clock, customers.map((customerId) => ({ customerId, type: 'signup' }))));
    // Two customers at a time, 100 ms deadline each: the whole batch would take ten deadlines.
    const engine = new Engine({ storage: h.storage, registry, clock: h.clock, concurrency: 2 });
    const scheduler = new Scheduler({ engine, clock: h.clock, pollMs: 10 });
    scheduler.start();
    while (started === 0) await new Promise((r) => setTimeout(r, 5));
    await scheduler.stop();
    const failed = () => h.storage.runs.countByStatus('hangs').then((c) => c.failed ?? 0);
    const atStop = await failed();
    expect(atStop).toBeLessThan(customers.length);
    expect(await h.storage.events.unprocessedCount()).toBe(customers.length - atStop);

    // The next process takes the rest once the lease has expired; nobody is enrolled twice.
    h.clock.advance(61_000);
    await new Engine({ storage: h.storage, registry, clock: h.clock }).runUntilIdle();
    expect(await h.storage.runs.countByStatus('hangs')).toEqual({ failed: customers.length });
    expect(await h.storage.events.unprocessedCount()).toBe(0);
  });

  it('a run that misses its deadline leaves no message behind, and its late calls to the services are refused', async () => {
    let late: unknown;
    const leaky = defineNode({
      type: 'acme.leaky',
      version: 1,
      label: 'Leaky',
      category: 'action',
      description: 'Queues a message, hangs, then tries again after its deadline (tests only).',
      fields: [],
      ports: ['next'],
      timeoutMs: 50,
      run: (ctx) => {
        ctx.services.enqueue('sms', { n: 1 });
        setTimeout(() => {
          try {
            ctx.services.enqueue('sms', { n: 2 });
          } catch (err) {
            late = err;
          }
        }, 100);
        return never();
      },
    });
    h = createHarness({ registry: builtinRegistry().use({ name: 'acme', nodes: [leaky] }) });
    await h.journeys.deploy(journey('leaks', 'signup', { type: 'acme.leaky' }));
    await h.track([{ customerId: 'c1', type: 'signup' }]);
    await new Promise((r) => setTimeout(r, 150));
    expect((await h.runsOf('c1'))[0]).toMatchObject({ status: 'failed', error: 'node "x" (acme.leaky, plugin acme) run did not finish within 50 ms' });
    expect(await h.storage.outbox.list({})).toEqual([]);
    expect(String(late)).toMatch(/services\.enqueue: the node call has ended/);
  });

  it('a run that never settles fails alone, the others go on, and the scheduler still stops', async () => {
    h = createHarness({ registry: builtinRegistry().use({ name: 'acme', nodes: [hang] }) });
    await h.journeys.deploy(journey('hangs', 'signup', { type: 'acme.hang' }));
    await h.journeys.deploy(journey('fine', 'signup', { type: 'flow.exit', config: { reason: 'done' } }));
    const scheduler = new Scheduler({ engine: h.engine, clock: h.clock, pollMs: 10 });
    scheduler.start();
    await h.track([{ customerId: 'stuck', type: 'signup' }, { customerId: 'ok', type: 'signup' }]);
    // Shutdown waits for the current batch; with the deadline that batch ends.
    await scheduler.stop();
    const status = async (c: string) => Object.fromEntries((await h.runsOf(c)).map((r) => [r.journeyId, [r.status, r.error]]));
    expect(await status('stuck')).toEqual({ hangs: ['failed', 'node "x" (acme.hang, plugin acme) run did not finish within 100 ms'], fine: ['completed', null] });
    expect(await status('ok')).toEqual({ hangs: ['completed', null], fine: ['completed', null] });
  });
});
