import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { defineNode } from './define-node.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'foresight-plugin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const defineNodeUrl = new URL('./define-node.ts', import.meta.url).href;

describe('NodeRegistry', () => {
  it('serves serialisable descriptors for every built-in node', () => {
    const d = builtinRegistry().descriptors();
    // The node catalogue of issue 3: these type ids are a contract with templates and users' journeys.
    expect(d.map((x) => x.type)).toEqual([
      'action.email',
      'action.updateProfile',
      'action.webhook',
      'condition.attribute',
      'condition.event',
      'condition.propensity',
      'condition.segment',
      'flow.exit',
      'split.ab',
      'trigger.date',
      'trigger.event',
      'trigger.segment',
      'wait.delay',
      'wait.event',
      'wait.purchaseCycle',
      'wait.window',
    ]);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    expect(d.find((x) => x.type === 'wait.event')).toMatchObject({ ports: ['event', 'timeout'], waits: true, category: 'timing' });
  });

  it('loads a plugin from a path; its nodes and effects sit beside the built-ins', async () => {
    const file = path.join(dir, 'sms-plugin.ts');
    writeFileSync(
      file,
      `import { defineNode, definePlugin } from ${JSON.stringify(defineNodeUrl)};
       export default definePlugin({
         nodes: [defineNode({ type: 'action.sms', version: 1, label: 'SMS', category: 'action', description: 'Sends an SMS',
           fields: [{ key: 'text', label: 'Text', kind: 'template', required: true }], ports: ['next'],
           run: (ctx) => { ctx.services.enqueue('sms', { text: ctx.config.text }); return { next: 'next' }; } })],
         effects: { sms: async () => ({ status: 'sent' }) },
       });`,
    );
    const r = builtinRegistry();
    await r.load(file);
    expect(r.get('action.sms')?.label).toBe('SMS');
    expect(r.effect('sms')).toBeTypeOf('function');
    expect(r.descriptors().some((x) => x.type === 'action.sms')).toBe(true);
  });

  it('names the plugin and the fix when loading fails', async () => {
    await expect(builtinRegistry().load('./does-not-exist.ts', dir)).rejects.toThrow(/plugins: cannot load "\.\/does-not-exist\.ts".*file path/);
    const bad = path.join(dir, 'bad.ts');
    writeFileSync(bad, 'export default { hello: 1 };');
    await expect(builtinRegistry().load(bad)).rejects.toThrow(/does not export \{ nodes/);
  });

  it('refuses two nodes with one type and malformed definitions', () => {
    const n = defineNode({ type: 'x.y', version: 1, label: 'X', category: 'flow', description: '', fields: [], ports: [], run: () => ({ exit: 'x' }) });
    expect(() => builtinRegistry().register(n).register(n)).toThrow(/registered twice/);
    expect(() => defineNode({ ...n, type: 'Bad Type' })).toThrow(/dotted lower camel case/);
    expect(() => defineNode({ ...n, category: 'trigger' })).toThrow(/must declare trigger/);
  });
});
