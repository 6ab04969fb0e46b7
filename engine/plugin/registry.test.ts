import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { validateJourney } from '../graph/validate.ts';
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
    await expect(builtinRegistry().load('./does-not-exist.ts', dir)).rejects.toThrow(/plugins: cannot load "\.\/does-not-exist\.ts".*check the path/);
    // A plugin that exists but is broken gets its own error, not a hint about paths.
    const broken = path.join(dir, 'broken.ts');
    writeFileSync(broken, 'export default {');
    const err = await builtinRegistry().load(broken).catch((e: Error) => e);
    expect(String(err)).toMatch(/cannot load/);
    expect(String(err)).not.toMatch(/file path|check the path/);
    const bad = path.join(dir, 'bad.ts');
    writeFileSync(bad, 'export default { hello: 1 };');
    await expect(builtinRegistry().load(bad)).rejects.toThrow(/plugin .*bad\.ts: nodes: export default definePlugin\(\{ nodes/);
  });

  it('refuses two nodes with one type and malformed definitions', () => {
    const n = defineNode({ type: 'x.y', version: 1, label: 'X', category: 'flow', description: '', fields: [], ports: [], run: () => ({ exit: 'x' }) });
    expect(() => builtinRegistry().register(n, 'a').register(n, 'b')).toThrow('plugin b: node type "x.y" is already registered by plugin a; rename one of them');
    expect(() => defineNode({ ...n, type: 'Bad Type' })).toThrow(/dotted lower camel case/);
    expect(() => defineNode({ ...n, category: 'trigger' })).toThrow(/must declare trigger/);
  });

  describe('checks each plugin against the contract when it loads, naming plugin, node type and field', () => {
    const run = () => ({ next: 'next' });
    const node = (over: Record<string, unknown>) => ({ type: 'action.sms', version: 1, label: 'SMS', category: 'action', description: '', fields: [], ports: ['next'], run, ...over });
    const refused = (plugin: unknown) => {
      try {
        builtinRegistry().use(plugin as never);
      } catch (err) {
        return (err as Error).message;
      }
      return 'loaded';
    };

    it.each([
      ['an unknown field kind', { fields: [{ key: 'tone', label: 'Tone', kind: 'colour' }] }, 'plugin sms, node action.sms, field "tone" (kind): unknown field kind; use one of: text'],
      ['a select without options', { fields: [{ key: 'tone', label: 'Tone', kind: 'select', options: [] }] }, 'plugin sms, node action.sms, field "tone" (options): a select needs at least one option'],
      ['an invalid pattern', { fields: [{ key: 'to', label: 'To', kind: 'text', pattern: '([' }] }, 'plugin sms, node action.sms, field "to" (pattern): is not a valid regular expression'],
      ["ports: 'next' as a string", { ports: 'next' }, 'plugin sms, node action.sms, ports: must be an array of port names'],
      ['a missing run', { run: undefined }, 'plugin sms, node action.sms, run:'],
    ])('refuses %s', (_what, over, message) => {
      expect(refused({ name: 'sms', nodes: [node(over)] })).toContain(message);
    });

    it('refuses to replace a built-in node type or effect', () => {
      expect(refused({ name: 'evil', nodes: [node({ type: 'action.email' })] })).toContain('plugin evil: node type "action.email" is built in and cannot be replaced');
      expect(refused({ name: 'evil', nodes: [], effects: { email: async () => ({ status: 'sent' }) } })).toContain('plugin evil: effect "email" is built in and cannot be replaced');
    });

    it('reports duplicate effects and duplicate nodes naming both plugins, and leaves the registry as it was', () => {
      const r = builtinRegistry().use({ name: 'first', nodes: [node({})] as never, effects: { sms: async () => ({ status: 'sent' }) } });
      expect(() => r.use({ name: 'second', nodes: [node({})] as never, effects: { sms: async () => ({ status: 'sent' }) } })).toThrow(
        'plugin second: node type "action.sms" is already registered by plugin first; rename one of them\nplugin second: effect "sms" is already registered by plugin first; rename one of them',
      );
      expect(r.pluginOf('action.sms')).toBe('first');
    });

    it('turns a throwing validate() into a validation problem naming plugin, node and type', () => {
      const r = builtinRegistry().use({ name: 'sms', nodes: [node({ validate: () => { throw new Error('boom'); } })] as never });
      const result = validateJourney(
        {
          id: 'j', name: 'J',
          nodes: [{ id: 'trigger', type: 'trigger.event', config: { event: 'x' } }, { id: 'text', type: 'action.sms', config: {} }],
          edges: [{ id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'text' }],
        },
        r,
      );
      expect(result.problems).toContainEqual(expect.objectContaining({ nodeId: 'text', message: 'node "text" (action.sms, plugin sms): validate() threw: boom; fix the plugin or the node\'s settings' }));
    });
  });
});
