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

  it.each([
    ['=', { path: 'currency', op: 'eq', value: 'EUR' }, { currency: 'EUR' }, 1],
    ['=', { path: 'currency', op: 'eq', value: 'EUR' }, { currency: 'USD' }, 0],
    ['≠', { path: 'currency', op: 'ne', value: 'EUR' }, { currency: 'USD' }, 1],
    ['≠', { path: 'currency', op: 'ne', value: 'EUR' }, { currency: 'EUR' }, 0],
    ['<', { path: 'amount', op: 'lt', value: 10 }, { amount: 5 }, 1],
    ['<', { path: 'amount', op: 'lt', value: 10 }, { amount: 10 }, 0],
    ['exists', { path: 'coupon', op: 'exists' }, { coupon: 'SPRING' }, 1],
    ['exists', { path: 'coupon', op: 'exists' }, {}, 0],
    ['contains (list)', { path: 'items', op: 'contains', value: 'sku-1' }, { items: ['sku-9', 'sku-1'] }, 1],
  ])('operator %s: %j on %j enrolls %i', async (_op, filter, properties, runs) => {
    const h = createHarness();
    try {
      await h.journeys.deploy({ id: 'j', name: 'J', nodes: [{ id: 't', type: 'trigger.event', config: { event: 'purchase', where: [filter] } }], edges: [] });
      await h.track([{ customerId: 'c', type: 'purchase', properties }]);
      expect((await h.journeys.stats('j')).enrolled).toBe(runs);
    } finally {
      await h.close();
    }
  });
});
