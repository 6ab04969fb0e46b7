import { describe, expect, it } from 'vitest';
import { validateJourney } from '../../engine/graph/validate.ts';
import { nodeContext } from '../../engine/testing/node-context.ts';
import { builtinRegistry } from '../index.ts';
import node from './index.ts';

const AT = new Date('2024-02-01T00:00:00Z');
const scored = (model: string, value: number | null) => ({ scores: async () => ({ [model]: { value, data: {}, scoredAt: AT } }) });

describe('condition.propensity', () => {
  it.each([
    ['purchase', 0.9, 'high'],
    ['purchase', 0.7, 'high'],
    ['purchase', 0.69, 'medium'],
    ['purchase', 0.3, 'medium'],
    ['purchase', 0.1, 'low'],
    ['churn', 0, 'low'],
    ['engagement', null, 'unknown'],
  ] as const)('%s score %s → %s', async (model, value, port) => {
    const r = await node.run(nodeContext(node, { model }, { services: scored(model, value) }));
    expect(r).toEqual({ next: port, trace: { model, score: value, high: 0.7, low: 0.3, scoredAt: AT.toISOString() } });
  });

  it('is unknown when the model never scored the customer (another model did)', async () => {
    const r = await node.run(nodeContext(node, { model: 'churn', high: 0.5, low: 0.2 }, { services: scored('purchase', 0.99) }));
    expect(r).toEqual({ next: 'unknown', trace: { model: 'churn', score: null, high: 0.5, low: 0.2, scoredAt: null } });
  });

  it.each([
    [{ model: 'purchase', high: 0.2, low: 0.5 }, 'low', /must not be above/],
    [{ model: 'clv' }, 'model', /use one of: purchase, churn, engagement/],
    [{ model: 'churn', high: 1.5 }, 'high', /at most 1/],
  ])('validation %#', (config, field, message) => {
    const r = validateJourney(
      { id: 'j', name: 'J', nodes: [{ id: 't', type: 'trigger.event', config: { event: 'x' } }, { id: 'p', type: 'condition.propensity', config }], edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'p' }] },
      builtinRegistry(),
    );
    const p = r.problems.find((x) => x.nodeId === 'p');
    expect(p?.field).toBe(field);
    expect(p?.message).toMatch(message);
  });
});
