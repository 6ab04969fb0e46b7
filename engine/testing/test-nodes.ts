import { defineNode } from '../plugin/define-node.ts';
import { NodeRegistry } from '../plugin/registry.ts';
import { builtinNodes } from '../../nodes/index.ts';

interface EnqueueConfig {
  tag: string;
}

/** Test-only action: enqueues one outbox entry of kind `test` and goes on. No handler is registered; tests count rows. */
export const testEnqueue = defineNode<EnqueueConfig>({
  type: 'test.enqueue',
  version: 1,
  label: 'Test enqueue',
  category: 'action',
  description: 'Enqueues one outbox entry of kind "test" (tests only).',
  fields: [{ key: 'tag', label: 'Tag', kind: 'text', default: 'x' }],
  ports: ['next'],
  run: (ctx) => {
    const key = ctx.services.enqueue('test', { tag: ctx.config.tag, customer: ctx.customer.externalId });
    return { next: 'next', trace: { key } };
  },
});

/** Built-in nodes plus the test nodes. */
export function testRegistry(): NodeRegistry {
  const r = new NodeRegistry();
  for (const n of builtinNodes) r.register(n);
  r.register(testEnqueue);
  return r;
}

/** signup → enqueue → wait 1d → enqueue → exit: the crash test's journey. */
export const crashJourney = {
  id: 'crash',
  name: 'Crash test',
  settings: { reentry: 'once', exitOn: [] },
  nodes: [
    { id: 'start', type: 'trigger.event', config: { event: 'signup', where: [] } },
    { id: 'first', type: 'test.enqueue', config: { tag: 'first' } },
    { id: 'wait', type: 'wait.delay', config: { duration: '1d' } },
    { id: 'second', type: 'test.enqueue', config: { tag: 'second' } },
    { id: 'done', type: 'flow.exit', config: { reason: 'done' } },
  ],
  edges: [
    { id: 'e1', source: 'start', sourceHandle: 'next', target: 'first' },
    { id: 'e2', source: 'first', sourceHandle: 'next', target: 'wait' },
    { id: 'e3', source: 'wait', sourceHandle: 'next', target: 'second' },
    { id: 'e4', source: 'second', sourceHandle: 'next', target: 'done' },
  ],
};
