import { describe, expect, it } from 'vitest';
import { createHarness } from '../../engine/testing/harness.ts';
import node from './index.ts';

describe('trigger.event', () => {
  it('declares its event and filters to the engine', () => {
    expect(node.trigger!({ event: 'purchase', where: [{ path: 'amount', op: 'gt', value: 50 }] })).toEqual({ event: 'purchase', where: [{ path: 'amount', op: 'gt', value: 50 }] });
  });

  it.each([
    [{ type: 'purchase', properties: { amount: 80, category: 'Shoes' } }, 1],
    [{ type: 'purchase', properties: { amount: 20, category: 'Shoes' } }, 0],
    [{ type: 'purchase', properties: { amount: 80, category: 'Hats' } }, 0],
    [{ type: 'purchase', properties: { amount: 80 } }, 0],
    [{ type: 'refund', properties: { amount: 80, category: 'shoes' } }, 0],
  ])('%j enrolls %i', async (event, runs) => {
    const h = createHarness();
    try {
      await h.journeys.deploy({
        id: 'j',
        name: 'J',
        nodes: [
          {
            id: 't',
            type: 'trigger.event',
            config: { event: 'purchase', where: [{ path: 'amount', op: 'gt', value: 50 }, { path: 'category', op: 'contains', value: 'shoe' }] },
          },
        ],
        edges: [],
      });
      await h.track([{ customerId: 'c', ...event }]);
      expect((await h.journeys.stats('j')).enrolled).toBe(runs);
    } finally {
      await h.close();
    }
  });
});
