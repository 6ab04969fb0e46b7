import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { replay } from '../simulate/simulate.ts';
import { createHarness } from '../testing/harness.ts';
import { defineNode } from './define-node.ts';

// A node that leaves through the port named after ctx.mode, so the counts show what it saw.
const modeNode = defineNode({
  type: 'test.mode', version: 1, label: 'Mode', category: 'flow', description: 'Leaves through its mode', fields: [],
  ports: ['live', 'simulate', 'backtest'],
  run: (ctx) => ({ next: ctx.mode }),
});
const registry = () => builtinRegistry().use({ name: 'mode-test', nodes: [modeNode] });
const journey = {
  id: 'mode', name: 'Mode',
  nodes: [
    { id: 'trigger', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'mode', type: 'test.mode', config: {} },
    { id: 'done', type: 'flow.exit', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'mode' },
    ...['live', 'simulate', 'backtest'].map((p) => ({ id: p, source: 'mode', sourceHandle: p, target: 'done' })),
  ],
};

describe('ctx.mode', () => {
  it('is live on the engine that serves real customers', async () => {
    const h = createHarness({ registry: registry() });
    try {
      await h.journeys.deploy(journey);
      await h.track([{ customerId: 'c1', type: 'signup' }]);
      await h.engine.runUntilIdle();
      const [run] = await h.runsOf('c1');
      const history = await h.storage.runs.history(run!.id);
      expect(history.filter((x) => x.nodeId === 'mode' && x.kind === 'port').map((x) => x.port)).toEqual(['live']);
    } finally {
      await h.close();
    }
  });

  it.each(['simulate', 'backtest'] as const)('is %s in a replay run as one', async (mode) => {
    const at = new Date('2024-03-01T10:00:00Z');
    const { result } = await replay({
      journey, registry: registry(), mode: mode === 'simulate' ? undefined : mode,
      customers: [{ customerId: 'c1' } as never],
      events: [{ customerId: 'c1', type: 'signup', occurredAt: at, properties: {} } as never],
      orders: [], from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-02T00:00:00Z'),
    });
    expect(result.nodes.mode?.ports).toEqual({ [mode]: 1 });
  });
});
