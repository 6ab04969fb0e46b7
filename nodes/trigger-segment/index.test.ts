import { describe, expect, it } from 'vitest';
import { refreshSegments } from '../../engine/jobs/segment-refresh.ts';
import { validateJourney } from '../../engine/graph/validate.ts';
import { createHarness } from '../../engine/testing/harness.ts';
import { nodeContext } from '../../engine/testing/node-context.ts';
import { builtinRegistry } from '../index.ts';
import node from './index.ts';

describe('trigger.segment', () => {
  it('enrolls on the refresh job’s entry events for its segment only', () => {
    expect(node.trigger!({ segment: ' vip ' })).toEqual({ event: '$segment.entered', where: [{ path: 'segment', op: 'eq', value: 'vip' }] });
  });

  it('reaches "next" and traces the segment and event', async () => {
    const ctx = nodeContext(node, { segment: 'vip' }, { event: { id: 7, type: '$segment.entered', properties: { segment: 'vip' }, occurredAt: new Date(0) } });
    expect(await node.run(ctx)).toEqual({ next: 'next', trace: { segment: 'vip', eventId: 7 } });
  });

  it('needs a segment name', () => {
    const r = validateJourney({ id: 'j', name: 'J', nodes: [{ id: 't', type: 'trigger.segment', config: {} }], edges: [] }, builtinRegistry());
    expect(r.problems).toMatchObject([{ nodeId: 't', field: 'segment', message: expect.stringMatching(/Saved segment is required/) }]);
  });

  it.each([
    ['vip', 1],
    ['other', 0],
  ])('a journey on segment "%s" enrolls %i of the customers entering "vip"', async (segment, runs) => {
    const h = createHarness();
    try {
      await h.storage.segments.save({ name: 'vip', definition: { attribute: 'tier', op: 'eq', value: 'gold' } }, 0);
      await h.storage.segments.save({ name: 'other', definition: { attribute: 'tier', op: 'eq', value: 'tin' } }, 0);
      await h.journeys.deploy({ id: 'j', name: 'J', nodes: [{ id: 't', type: 'trigger.segment', config: { segment } }], edges: [] });
      await h.identify([{ customerId: 'c', attributes: { tier: 'gold' } }]);
      await refreshSegments(h.storage, h.clock);
      await h.engine.runUntilIdle();
      expect((await h.journeys.stats('j')).enrolled).toBe(runs);
    } finally {
      await h.close();
    }
  });
});
