import { describe, expect, it } from 'vitest';
import { nodeContext } from '../../engine/testing/node-context.ts';
import node from './index.ts';

describe('wait.delay', () => {
  it.each([
    ['30m', '2024-01-01T00:30:00.000Z'],
    ['4h', '2024-01-01T04:00:00.000Z'],
    ['3d', '2024-01-04T00:00:00.000Z'],
    ['2w', '2024-01-15T00:00:00.000Z'],
  ])('%s waits until %s and leaves through next', async (duration, until) => {
    const r = await node.run(nodeContext(node, { duration }));
    expect('wait' in r && r.wait.until?.toISOString()).toBe(until);
    expect(r).toMatchObject({ wait: { timeoutPort: 'next' } });
  });
});
