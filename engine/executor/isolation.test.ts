import { afterEach, describe, expect, it } from 'vitest';
import { defineNode, type NodeResult } from '../plugin/define-node.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { builtinRegistry } from '../../nodes/index.ts';

/**
 * One bad run never blocks the others (issue 10 §1, issue 18 §1): whatever a
 * plugin node does to one customer, the customers batched with it go on.
 */

/** A plugin node that misbehaves for customers whose id names the fault, and is fine for everyone else. */
const faulty = defineNode({
  type: 'acme.faulty',
  version: 1,
  label: 'Faulty',
  category: 'action',
  description: 'Misbehaves on purpose (tests only).',
  fields: [],
  ports: ['next'],
  timeoutMs: 200,
  run: (ctx): NodeResult | Promise<NodeResult> => {
    switch (ctx.customer.externalId) {
      case 'throws':
        throw new Error('kaput');
      case 'bad-date':
        return { wait: { until: new Date(ctx.now.getTime() + 20_000_000 * 7 * 86_400_000), timeoutPort: 'next' } };
      case 'undefined':
        return undefined as unknown as NodeResult;
      case 'hangs':
        return new Promise<NodeResult>(() => {});
      case 'poison-patch':
        // Passes the shape check but throws when the engine reads it: a fault outside node code.
        return { next: 'next', patch: new Proxy({}, { ownKeys: () => { throw new Error('unreadable patch'); } }) };
      default:
        return { next: 'next' };
    }
  },
});

function journeyWith(type: string, id = 'faulty') {
  return {
    id,
    name: id,
    settings: { reentry: 'once' },
    nodes: [
      { id: 'start', type: 'trigger.event', config: { event: 'signup' } },
      { id: 'x', type },
      { id: 'done', type: 'flow.exit', config: { reason: 'done' } },
    ],
    edges: [
      { id: 'e1', source: 'start', sourceHandle: 'next', target: 'x' },
      { id: 'e2', source: 'x', sourceHandle: 'next', target: 'done' },
    ],
  };
}

let h: Harness;
afterEach(async () => h?.close());

describe('one bad run never blocks the others', () => {
  it('refuses a 20000000w wait when the journey is validated, naming node and field', async () => {
    h = createHarness();
    const doc = journeyWith('wait.delay');
    doc.nodes[1] = { id: 'x', type: 'wait.delay', config: { duration: '20000000w' } } as never;
    const v = await h.journeys.validate(doc);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([expect.objectContaining({ nodeId: 'x', field: 'duration', message: expect.stringMatching(/"20000000w" is longer than the limit of 3650d \(10 years\)/) })]);
    await expect(h.journeys.deploy(doc)).rejects.toThrow(/20000000w/);
  });

  it('fails only the faulty runs, each naming plugin, node type, node id and reason, while 400 co-batched customers enroll', async () => {
    const registry = builtinRegistry().use({ name: 'acme-plugin', nodes: [faulty] });
    h = createHarness({ registry });
    await h.journeys.deploy(journeyWith('acme.faulty'));
    const bad = ['throws', 'bad-date', 'undefined', 'hangs', 'poison-patch'];
    const innocent = Array.from({ length: 400 }, (_, i) => `c${i}`);
    // One batch (the default holds 2,000 events): the faulty customers share it with the innocent ones.
    await h.track([...bad, ...innocent].map((customerId) => ({ customerId, type: 'signup' })));

    for (const c of innocent) expect((await h.runsOf(c)).map((r) => r.status)).toEqual(['completed']);
    const who = /node "x" \(acme\.faulty, plugin acme-plugin\)/;
    const errors: Record<string, string | null> = {};
    for (const c of bad) {
      const runs = await h.runsOf(c);
      expect(runs.map((r) => r.status), c).toEqual(['failed']);
      errors[c] = runs[0]!.error;
    }
    expect(errors.throws).toMatch(new RegExp(`${who.source} threw: kaput`));
    expect(errors['bad-date']).toMatch(new RegExp(`${who.source} returned a wait until .*more than 10 years ahead|not a valid date`));
    expect(errors.undefined).toMatch(new RegExp(`${who.source} returned undefined`));
    expect(errors.hangs).toMatch(new RegExp(`${who.source} run did not finish within 200 ms`));
    expect(errors['poison-patch']).toMatch(/engine error at node "x": unreadable patch/);
    // Every event is consumed: nothing is left to be retried forever.
    expect(await h.storage.events.unprocessedCount()).toBe(0);
    expect(h.engine.stats.unitFailures).toBe(1);
    const history = await h.storage.runs.history((await h.runsOf('undefined'))[0]!.id);
    expect(history.at(-1)).toMatchObject({ kind: 'fail', nodeId: 'x' });
  });

  it('isolates the due-run phase the same way: faulty runs fail after their wait, 200 others complete', async () => {
    h = createHarness({ registry: builtinRegistry().use({ name: 'acme-plugin', nodes: [faulty] }) });
    const doc = journeyWith('acme.faulty');
    // trigger → wait 1d → faulty → done: the fault happens when the timers fire, all in one due batch.
    doc.nodes.splice(1, 0, { id: 'wait', type: 'wait.delay', config: { duration: '1d' } } as never);
    doc.edges[0] = { id: 'e1', source: 'start', sourceHandle: 'next', target: 'wait' };
    doc.edges.push({ id: 'e3', source: 'wait', sourceHandle: 'next', target: 'x' });
    await h.journeys.deploy(doc);
    const bad = ['throws', 'bad-date', 'undefined', 'poison-patch'];
    const innocent = Array.from({ length: 200 }, (_, i) => `c${i}`);
    await h.track([...bad, ...innocent].map((customerId) => ({ customerId, type: 'signup' })));
    await h.advance('1d');
    expect(await h.storage.runs.countByStatus('faulty')).toEqual({ completed: 200, failed: 4 });
    for (const c of bad) expect((await h.runsOf(c))[0]).toMatchObject({ status: 'failed', nodeId: 'x' });
    expect(h.engine.stats.unitFailures).toBe(1);
  });

  it('runs independent customers concurrently, so a slow condition does not set the pace for all', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = defineNode({
      type: 'acme.slowCheck',
      version: 1,
      label: 'Slow check',
      category: 'condition',
      description: 'Asks an outside API that takes 100 ms (tests only).',
      fields: [],
      ports: ['next'],
      run: async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 100));
        inFlight--;
        return { next: 'next' };
      },
    });
    h = createHarness({ registry: builtinRegistry().use({ name: 'acme-api', nodes: [slow] }) });
    await h.journeys.deploy(journeyWith('acme.slowCheck'));
    await h.track(Array.from({ length: 30 }, (_, i) => ({ customerId: `c${i}`, type: 'signup' })));
    for (let i = 0; i < 30; i++) expect((await h.runsOf(`c${i}`))[0]!.status).toBe('completed');
    // 30 sequential waits would show 1; the engine's default runs 16 customers at once.
    expect(most).toBe(16);
  });
});
