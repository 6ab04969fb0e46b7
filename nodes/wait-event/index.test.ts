import { describe, expect, it } from 'vitest';
import { createHarness } from '../../engine/testing/harness.ts';
import { nodeContext } from '../../engine/testing/node-context.ts';
import node from './index.ts';

describe('wait.event', () => {
  it('waits for the event with a timeout', async () => {
    const r = await node.run(nodeContext(node, { event: 'purchase', timeout: '1d' }));
    expect(r).toEqual({
      wait: { until: new Date('2024-01-02T00:00:00Z'), event: { type: 'purchase', where: [], port: 'event' }, timeoutPort: 'timeout' },
      trace: { event: 'purchase', timeout: '1d' },
    });
  });

  it.each([
    ['event', [{ customerId: 'c', type: 'review', properties: { stars: 5 } }]],
    ['timeout', [{ customerId: 'c', type: 'review', properties: { stars: 2 } }]],
    ['timeout', [{ customerId: 'c', type: 'other', properties: { stars: 5 } }]],
  ])('reaches port %s', async (port, events) => {
    const h = createHarness();
    try {
      await h.journeys.deploy({
        id: 'j',
        name: 'J',
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'go' } },
          { id: 'w', type: 'wait.event', config: { event: 'review', where: [{ path: 'stars', op: 'gte', value: 4 }], timeout: '2d' } },
        ],
        edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'w' }],
      });
      await h.track([{ customerId: 'c', type: 'go' }]);
      await h.advance('1d');
      await h.track(events);
      await h.advance('2d');
      expect((await h.journeys.stats('j')).nodes.w!.ports).toEqual({ [port]: 1 });
    } finally {
      await h.close();
    }
  });
});
