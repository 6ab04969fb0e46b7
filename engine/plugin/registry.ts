import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ForesightError, errorMessage } from '../core/errors.ts';
import { applyDefaults } from './fields.ts';
import type { NodeDefinition, NodeDescriptor, PluginModule } from './define-node.ts';
import type { EffectHandler } from './services.ts';

const BUILT_IN = 'built-in';

/** Holds every node type and effect handler, built-in and plugin alike. */
export class NodeRegistry {
  private readonly nodes = new Map<string, NodeDefinition<any>>();
  private readonly effects = new Map<string, EffectHandler>();
  private readonly plugins = new Map<string, string>();
  /** Plugins loaded by specifier (absolute file URL or package name), so a worker thread can load the same ones. */
  readonly sources: string[] = [];

  /** Registers a node type; `plugin` names where it came from, for messages about it. */
  register(def: NodeDefinition<any>, plugin = BUILT_IN): this {
    if (this.nodes.has(def.type)) throw new ForesightError('duplicate_node_type', `node type "${def.type}" is registered twice; rename the plugin's node`);
    this.nodes.set(def.type, def);
    this.plugins.set(def.type, plugin);
    return this;
  }

  /** The plugin a node type came from (`built-in` for the engine's own nodes). */
  pluginOf(type: string): string | undefined {
    return this.plugins.get(type);
  }

  registerEffect(kind: string, handler: EffectHandler): this {
    this.effects.set(kind, handler);
    return this;
  }

  use(plugin: PluginModule, name = plugin.name ?? 'unnamed plugin'): this {
    for (const n of plugin.nodes) this.register(n, name);
    for (const [kind, h] of Object.entries(plugin.effects ?? {})) this.registerEffect(kind, h);
    return this;
  }

  get(type: string): NodeDefinition<any> | undefined {
    return this.nodes.get(type);
  }

  effect(kind: string): EffectHandler | undefined {
    return this.effects.get(kind);
  }

  types(): string[] {
    return [...this.nodes.keys()].sort();
  }

  /** Ports for a node with a given config (after defaults). */
  portsOf(def: NodeDefinition<any>, config: Record<string, unknown>): string[] {
    return typeof def.ports === 'function' ? def.ports(applyDefaults(def.fields, config)) : [...def.ports];
  }

  descriptors(): NodeDescriptor[] {
    return this.types().map((t) => {
      const d = this.nodes.get(t)!;
      return {
        type: d.type,
        version: d.version,
        label: d.label,
        category: d.category,
        description: d.description,
        fields: d.fields,
        ports: this.portsOf(d, {}),
        dynamicPorts: typeof d.ports === 'function',
        waits: Boolean(d.waits),
      };
    });
  }

  /**
   * Loads a plugin by file path (relative to `baseDir`) or npm package name.
   * The module's default export (or the module itself) must be a PluginModule.
   */
  async load(spec: string, baseDir = process.cwd()): Promise<PluginModule> {
    const isPath = spec.startsWith('.') || spec.startsWith('/');
    const target = isPath ? pathToFileURL(path.resolve(baseDir, spec)).href : spec;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(target)) as Record<string, unknown>;
    } catch (err) {
      throw new ForesightError('plugin_load_failed', `plugins: cannot load "${spec}": ${errorMessage(err)}; give a file path (./my-plugin) or an installed npm package name`, { field: 'plugins', cause: err });
    }
    const plugin = (mod.default ?? mod) as Partial<PluginModule>;
    if (!plugin || !Array.isArray(plugin.nodes)) {
      throw new ForesightError('plugin_invalid', `plugins: "${spec}" does not export { nodes: [...] }; export default definePlugin({ nodes: [...] })`, { field: 'plugins' });
    }
    this.use(plugin as PluginModule, plugin.name ?? spec);
    this.sources.push(target);
    return plugin as PluginModule;
  }
}
