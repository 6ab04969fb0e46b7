import { describe, expect, it } from 'vitest';
import { nodeContext } from '../../engine/testing/node-context.ts';
import node from './index.ts';

describe('condition.attribute', () => {
  it.each([
    [{ attribute: 'plan', op: 'eq', value: 'pro' }, { plan: 'pro' }, 'yes'],
    [{ attribute: 'plan', op: 'eq', value: 'pro' }, { plan: 'free' }, 'no'],
    [{ attribute: 'plan', op: 'ne', value: 'pro' }, { plan: 'free' }, 'yes'],
    [{ attribute: 'orders', op: 'gt', value: '3' }, { orders: 5 }, 'yes'],
    [{ attribute: 'orders', op: 'lt', value: '3' }, { orders: 5 }, 'no'],
    [{ attribute: 'tags', op: 'contains', value: 'vip' }, { tags: ['new', 'vip'] }, 'yes'],
    [{ attribute: 'address.country', op: 'eq', value: 'KR' }, { address: { country: 'KR' } }, 'yes'],
    [{ attribute: 'birthday', op: 'exists' }, {}, 'no'],
    [{ attribute: 'birthday', op: 'not_exists' }, {}, 'yes'],
    [{ attribute: 'email', op: 'contains', value: '@example.com' }, {}, 'yes'],
  ])('%j on %j → %s', async (config, attributes, port) => {
    const r = await node.run(nodeContext(node, config, { customer: { attributes } }));
    expect(r).toMatchObject({ next: port, trace: { attribute: config.attribute } });
  });

  it('requires a value for comparisons', () => {
    expect(node.validate!({ attribute: 'plan', op: 'eq' })).toEqual([{ field: 'value', message: 'Value is required for "is"' }]);
    expect(node.validate!({ attribute: 'plan', op: 'exists' })).toEqual([]);
  });
});
