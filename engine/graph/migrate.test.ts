import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { defineNode, type NodeDefinition } from '../plugin/define-node.ts';
import { createHarness } from '../testing/harness.ts';
import { validateJourney } from './validate.ts';

// Version 2 of a plugin node renamed its field `message` to `text`.
const v2 = (migrate?: NodeDefinition['migrate']) =>
  defineNode<{ text?: string }>({
    type: 'sms.send', version: 2, label: 'SMS', category: 'action', description: '',
    fields: [{ key: 'text', label: 'Text', kind: 'text', required: true }],
    ports: ['next'],
    migrate,
    run: (ctx) => ({ next: 'next', trace: { text: ctx.config.text } }),
  });
const registry = (migrate?: NodeDefinition['migrate']) => builtinRegistry().use({ name: 'sms-plugin', nodes: [v2(migrate)] });
// A journey saved while version 1 was installed.
const journey = {
  id: 'old', name: 'Old',
  nodes: [
    { id: 'trigger', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'sms', type: 'sms.send', typeVersion: 1, config: { message: 'hello' } },
    { id: 'done', type: 'flow.exit', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'sms' },
    { id: 'e2', source: 'sms', sourceHandle: 'next', target: 'done' },
  ],
};
const rename = (c: Record<string, unknown>, from: number) => (from < 2 ? { text: c.message } : c);

describe('node type versions', () => {
  it('migrates an old node at publish: the published graph records the new config and typeVersion, and runs', async () => {
    const h = createHarness({ registry: registry(rename) });
    try {
      const { version } = await h.journeys.deploy(journey);
      const published = (await h.storage.journeys.version('old', version))!.graph as typeof journey;
      expect(published.nodes[1]).toMatchObject({ typeVersion: 2, config: { text: 'hello' } });
      await h.track([{ customerId: 'c1', type: 'signup' }]);
      await h.engine.runUntilIdle();
      const [run] = await h.runsOf('c1');
      expect(run).toMatchObject({ status: 'completed' });
    } finally {
      await h.close();
    }
  });

  it('without migrate, says the node keeps its old version instead of breaking silently', () => {
    const r = validateJourney(journey, registry());
    expect(r.problems.map((p) => p.message).join('\n')).toContain('node "sms" (sms.send, plugin sms-plugin): Text is required');
    expect(validateJourney({ ...journey, nodes: journey.nodes.map((n) => (n.id === 'sms' ? { ...n, config: { text: 'hi' } } : n)) }, registry()).warnings).toContainEqual(
      expect.objectContaining({ nodeId: 'sms', message: 'node "sms": built with sms.send version 1, installed version 2 (plugin sms-plugin) has no migrate(); it keeps its version-1 settings' }),
    );
  });

  it('refuses to publish when migrate fails, naming plugin, node and versions', () => {
    const r = validateJourney(journey, registry(() => undefined as never));
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ nodeId: 'sms', field: 'typeVersion', message: expect.stringContaining('node "sms" (sms.send, plugin sms-plugin): migrate(config, 1) to version 2 failed: returned undefined') }));
  });
});
