import { describe, expect, it } from 'vitest';
import { createHarness, registryWith } from './index.ts';

describe('foresight/testing createHarness', () => {
  it('refuses a registry not made by registryWith, naming the fix', () => {
    expect(() => createHarness({ registry: { types: () => [] } })).toThrow('createHarness: registry: make it with registryWith(...plugins) from foresight/testing');
  });

  it('runs the built-in nodes by default and with registryWith()', async () => {
    const h = createHarness({ registry: registryWith() });
    try {
      await h.journeys.deploy({
        id: 'hi',
        name: 'Hi',
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'signup' } },
          { id: 'x', type: 'flow.exit', config: { reason: 'done' } },
        ],
        edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'x' }],
      });
      await h.track([{ customerId: 'c1', type: 'signup' }]);
      expect((await h.runsOf('c1')).map((r) => [r.status, r.endReason])).toEqual([['completed', 'done']]);
    } finally {
      await h.close();
    }
  });
});
