import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { MAX_JOURNEY_NODES } from './limits.ts';
import { validateJourney } from './validate.ts';

/** A straight path: a trigger, then n - 1 conditions, each leading to the next. */
function chain(n: number) {
  const nodes = [{ id: 'n0', type: 'trigger.event', config: { event: 'signup' } }, ...Array.from({ length: n - 1 }, (_, i) => ({ id: `n${i + 1}`, type: 'condition.attribute', config: { attribute: 'x', op: 'exists' } }))];
  const edges = nodes.slice(1).map((node, i) => ({ id: `e${i}`, source: `n${i}`, sourceHandle: i === 0 ? 'next' : 'yes', target: node.id }));
  return { nodes, edges };
}

describe('journey size limit', () => {
  it('validates a journey at the limit and refuses one node more, naming the field and the fix', () => {
    const registry = builtinRegistry();
    expect(validateJourney({ id: 'big', name: 'Big', ...chain(MAX_JOURNEY_NODES) }, registry).problems).toEqual([]);
    expect(validateJourney({ id: 'big', name: 'Big', ...chain(MAX_JOURNEY_NODES + 1) }, registry).problems).toEqual([
      { field: 'nodes', message: 'nodes: the journey has 501 nodes, more than the limit of 500; split it into several journeys' },
    ]);
  });
});
