import { describe, expect, it } from 'vitest';
import { nodeContext } from '../../engine/testing/node-context.ts';
import node from './index.ts';

describe('flow.exit', () => {
  it.each([
    [{}, 'done'],
    [{ reason: 'converted elsewhere' }, 'converted elsewhere'],
  ])('%j ends with reason %s', async (config, reason) => {
    expect(await node.run(nodeContext(node, config))).toEqual({ exit: reason });
  });
});
