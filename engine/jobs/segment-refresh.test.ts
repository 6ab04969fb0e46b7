import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEGMENT_ENTERED, SEGMENT_LEFT } from '../segments/index.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { refreshSegments, segmentChangeWatcher } from './segment-refresh.ts';

let h: Harness;

beforeEach(async () => {
  h = createHarness({ start: '2024-01-01T00:00:00Z' });
  // Spent at least 100 in the last 30 days.
  await h.storage.segments.save({ name: 'big-spenders', definition: { orders: 'total', within: '30d', op: 'gte', value: 100 } }, h.clock.now().getTime());
  await h.storage.segments.save({ name: 'germans', definition: { attribute: 'country', op: 'eq', value: 'DE' } }, h.clock.now().getTime());
  await h.identify([
    { customerId: 'ann', attributes: { country: 'DE' } },
    { customerId: 'bob', attributes: { country: 'FR' } },
  ]);
});

afterEach(() => h.close());

async function events(externalId: string, type: string) {
  return (await h.storage.events.list(await h.customerId(externalId), { type })).map((e) => ({ segment: e.properties.segment, at: new Date(e.occurredAt).toISOString() }));
}

async function refresh(opts?: Parameters<typeof refreshSegments>[2]) {
  const r = await refreshSegments(h.storage, h.clock, opts);
  await h.engine.runUntilIdle();
  return r;
}

describe('refreshSegments', () => {
  it('announces each entry and exit once, numbering re-entries', async () => {
    expect(await refresh()).toEqual({ entered: 1, left: 0, failed: [] }); // ann is German
    expect(await refresh()).toEqual({ entered: 0, left: 0, failed: [] });

    await h.orders([{ customerId: 'bob', orderId: 'b1', orderedAt: '2024-01-01T00:00:00Z', amount: 120 }]);
    expect(await refresh()).toEqual({ entered: 1, left: 0, failed: [] });
    expect(await events('bob', SEGMENT_ENTERED)).toEqual([{ segment: 'big-spenders', at: '2024-01-01T00:00:00.000Z' }]);

    await h.advance('31d'); // the order falls out of the window
    expect(await refresh()).toEqual({ entered: 0, left: 1, failed: [] });
    expect(await events('bob', SEGMENT_LEFT)).toEqual([{ segment: 'big-spenders', at: '2024-02-01T00:00:00.000Z' }]);

    await h.orders([{ customerId: 'bob', orderId: 'b2', orderedAt: '2024-02-01T00:00:00Z', amount: 100 }]);
    expect(await refresh()).toEqual({ entered: 1, left: 0, failed: [] });
    expect((await events('bob', SEGMENT_ENTERED)).map((e) => e.at)).toEqual(['2024-02-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z']);
    expect(await h.storage.segmentMembers.list('big-spenders')).toEqual([{ segment: 'big-spenders', customerId: await h.customerId('bob'), member: true, entries: 2, changedAt: Date.parse('2024-02-01T00:00:00Z') }]);
  });

  it('records the size of each segment at every full refresh, not at partial ones', async () => {
    await refresh();
    await h.orders([{ customerId: 'bob', orderId: 'b1', orderedAt: '2024-01-01T00:00:00Z', amount: 120 }]);
    await h.advance('15m');
    await refresh({ customerIds: [await h.customerId('bob')] });
    await refresh();
    const start = Date.parse('2024-01-01T00:00:00Z');
    expect(await h.storage.segmentMembers.sizes('big-spenders', 0)).toEqual([{ at: start, size: 0 }, { at: start + 15 * 60_000, size: 1 }]);
    expect(await h.storage.segmentMembers.sizes('germans', 0)).toEqual([{ at: start, size: 1 }, { at: start + 15 * 60_000, size: 1 }]);
  });

  it('does not announce an entry twice when the membership write was lost', async () => {
    await refresh({ names: ['germans'] });
    // As if the process died after writing the events but before recording the membership.
    await h.storage.segmentMembers.put([{ segment: 'germans', customerId: await h.customerId('ann'), member: false, entries: 0, changedAt: 0 }]);
    await refresh({ names: ['germans'] });
    expect(await events('ann', SEGMENT_ENTERED)).toHaveLength(1);
  });

  it('treats a segment deleted and saved again under the same name as new', async () => {
    await refresh({ names: ['germans'] });
    await h.storage.segments.delete('germans');
    await h.advance('1h');
    await h.storage.segments.save({ name: 'germans', definition: { attribute: 'country', op: 'ne', value: 'FR' } }, h.clock.now().getTime());
    expect(await refresh({ names: ['germans'] })).toEqual({ entered: 1, left: 0, failed: [] });
    expect(await events('ann', SEGMENT_ENTERED)).toHaveLength(2);
  });

  it('can refresh just the customers whose data changed', async () => {
    await h.identify([{ customerId: 'bob', attributes: { country: 'DE' } }, { customerId: 'cy', attributes: { country: 'DE' } }]);
    expect(await refresh({ names: ['germans'], customerIds: [await h.customerId('bob')] })).toEqual({ entered: 1, left: 0, failed: [] });
    expect(await events('cy', SEGMENT_ENTERED)).toEqual([]);
    await h.identify([{ customerId: 'bob', attributes: { country: 'FR' } }]);
    // Ann is not in scope: her membership stays although she was not evaluated.
    expect(await refresh({ names: ['germans'], customerIds: [await h.customerId('bob')] })).toEqual({ entered: 0, left: 1, failed: [] });
    expect((await h.storage.segmentMembers.list('germans')).filter((m) => m.member)).toEqual([]);
  });

  it('reports a saved segment it cannot evaluate and refreshes the others', async () => {
    await h.storage.segments.save({ name: 'broken', definition: { all: [{ score: 'churn' }] } }, h.clock.now().getTime());
    const r = await refresh();
    expect(r.entered).toBe(1);
    expect(r.failed).toEqual([{ segment: 'broken', message: expect.stringMatching(/definition\.all\.0\.op/) }]);
  });

  it('enrolls entering customers into trigger.segment journeys, once per entry', async () => {
    await h.journeys.deploy({
      id: 'welcome-big',
      name: 'Welcome big spenders',
      settings: { reentry: 'always' },
      nodes: [{ id: 't', type: 'trigger.segment', config: { segment: 'big-spenders' } }],
      edges: [],
    });
    await h.orders([{ customerId: 'ann', orderId: 'a1', orderedAt: '2024-01-01T00:00:00Z', amount: 500 }]);
    await refresh();
    await refresh();
    expect((await h.runsOf('ann')).map((r) => r.status)).toEqual(['completed']);
    expect(await h.runsOf('bob')).toEqual([]);
    const [run] = await h.runsOf('ann');
    expect((await h.storage.runs.history(run!.id)).find((x) => x.kind === 'port')).toMatchObject({ nodeId: 't', port: 'next', detail: { segment: 'big-spenders' } });
    await h.advance('31d');
    await refresh();
    await h.orders([{ customerId: 'ann', orderId: 'a2', orderedAt: h.clock.now().toISOString(), amount: 500 }]);
    await refresh();
    expect(await h.runsOf('ann')).toHaveLength(2);
  });
});

describe('segmentChangeWatcher', () => {
  it('refreshes just the customers whose new events matter to a segment', async () => {
    await h.storage.segments.save(
      { name: 'shoe-fans', definition: { event: 'viewed_category', where: [{ path: 'category', op: 'eq', value: 'shoes' }], within: '7d', op: 'gte', value: 2 } },
      h.clock.now().getTime(),
    );
    await h.track([{ customerId: 'bob', type: 'viewed_category', properties: { category: 'shoes' } }]);
    const watch = segmentChangeWatcher(h.storage, h.clock);
    expect(await watch()).toEqual({ entered: 0, left: 0, failed: [] }); // finds the end of the log
    await h.track([{ customerId: 'bob', type: 'viewed_category', properties: { category: 'shoes' } }]);
    await h.orders([{ customerId: 'ann', orderId: 'a1', orderedAt: h.clock.now().toISOString(), amount: 300 }]);
    // bob enters shoe-fans, ann enters big-spenders; nobody is evaluated for "germans" (no events matter to it).
    expect(await watch()).toEqual({ entered: 2, left: 0, failed: [] });
    expect(await events('bob', SEGMENT_ENTERED)).toMatchObject([{ segment: 'shoe-fans' }]);
    expect(await events('ann', SEGMENT_ENTERED)).toMatchObject([{ segment: 'big-spenders' }]);
    expect(await h.storage.segmentMembers.list('germans')).toEqual([]);
    await h.track([{ customerId: 'bob', type: 'page_view' }]);
    expect(await watch()).toEqual({ entered: 0, left: 0, failed: [] });
  });

  it('re-checks customers whose profile changed, in the segments that read profiles, and enrolls them', async () => {
    await h.journeys.deploy({
      id: 'welcome-germans',
      name: 'Welcome germans',
      nodes: [
        { id: 't', type: 'trigger.segment', config: { segment: 'germans' } },
        { id: 'x', type: 'flow.exit', config: {} },
      ],
      edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'x' }],
    });
    await refresh(); // ann is a member from the start
    const watch = segmentChangeWatcher(h.storage, h.clock);
    expect(await watch()).toEqual({ entered: 0, left: 0, failed: [] }); // finds where the logs end
    h.clock.advance(60_000);
    await h.identify([
      { customerId: 'bob', attributes: { country: 'DE' } },
      { customerId: 'ann', attributes: { country: 'AT' } },
    ]);
    // The same instant again: a second change at an equal time is not missed.
    await h.identify([{ customerId: 'cid', attributes: { country: 'DE' } }]);
    expect(await watch()).toEqual({ entered: 2, left: 1, failed: [] });
    await h.engine.runUntilIdle();
    expect((await h.runsOf('bob')).map((r) => r.journeyId)).toEqual(['welcome-germans']);
    expect((await h.runsOf('cid')).map((r) => r.journeyId)).toEqual(['welcome-germans']);
    expect(await events('ann', SEGMENT_LEFT)).toMatchObject([{ segment: 'germans' }]);
    // Nothing changed since: nobody is re-checked.
    expect(await watch()).toEqual({ entered: 0, left: 0, failed: [] });
  });
});
