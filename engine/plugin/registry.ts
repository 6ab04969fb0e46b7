import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ForesightError, errorMessage } from '../core/errors.ts';
import { checkPluginContract } from './contract.ts';
import { applyDefaults } from './fields.ts';
import type { NodeDefinition, NodeDescriptor, PluginModule } from './define-node.ts';
import type { EngineEffectHandler } from './services.ts';

/** Who registered a node type or effect when no plugin did. */
export const BUILT_IN = 'built-in';

/** Holds every node type and effect handler, built-in and plugin alike, and who registered each. */
export class NodeRegistry {
  private readonly nodes = new Map<string, NodeDefinition<any>>();
  private readonly effects = new Map<string, EngineEffectHandler>();
  private readonly nodeOwners = new Map<string, string>();
  private readonly effectOwners = new Map<string, string>();
  /** Plugins loaded by specifier (absolute file URL or package name), so a worker thread can load the same ones. */
  readonly sources: string[] = [];

  register(def: NodeDefinition<any>, owner = BUILT_IN): this {
    const problem = this.clash('node type', def.type, this.nodeOwners.get(def.type), owner);
    if (problem) throw new ForesightError('duplicate_node_type', problem, { field: 'plugins' });
    this.nodes.set(def.type, def);
    this.nodeOwners.set(def.type, owner);
    return this;
  }

  registerEffect(kind: string, handler: EngineEffectHandler, owner = BUILT_IN): this {
    const problem = this.clash('effect', kind, this.effectOwners.get(kind), owner);
    if (problem) throw new ForesightError('duplicate_effect', problem, { field: 'plugins' });
    this.effects.set(kind, handler);
    this.effectOwners.set(kind, owner);
    return this;
  }

  /** Names both parties of a clash; a built-in is never replaced, so a plugin cannot silently take over `email`. */
  private clash(what: string, name: string, existing: string | undefined, owner: string): string | null {
    if (existing === undefined) return null;
    if (existing === BUILT_IN) return `plugin ${owner}: ${what} "${name}" is built in and cannot be replaced; give yours its own name, e.g. "${owner.replace(/[^a-z0-9]/gi, '').toLowerCase() || 'myplugin'}.${name}"`;
    return `plugin ${owner}: ${what} "${name}" is already registered by plugin ${existing}; rename one of them`;
  }

  /**
   * Adds a plugin after checking it against the contract; all or nothing, so a
   * refused plugin leaves the registry as it was. Every problem names the plugin.
   */
  use(plugin: PluginModule, name = plugin?.name ?? 'unnamed'): this {
    const problems = checkPluginContract(plugin, name);
    if (problems.length === 0) {
      const types = new Set<string>();
      for (const n of plugin.nodes) {
        if (types.has(n.type)) problems.push(`plugin ${name}: node type "${n.type}" is declared twice in the plugin`);
        types.add(n.type);
        const clash = this.clash('node type', n.type, this.nodeOwners.get(n.type), name);
        if (clash) problems.push(clash);
      }
      for (const kind of Object.keys(plugin.effects ?? {})) {
        const clash = this.clash('effect', kind, this.effectOwners.get(kind), name);
        if (clash) problems.push(clash);
      }
    }
    if (problems.length) throw new ForesightError('plugin_invalid', problems.join('\n'), { field: 'plugins' });
    for (const n of plugin.nodes) this.register(n, name);
    for (const [kind, h] of Object.entries(plugin.effects ?? {})) this.registerEffect(kind, h, name);
    return this;
  }

  /** The plugin a node type came from (`built-in` for the engine's own nodes), for messages that name the culprit. */
  pluginOf(type: string): string | undefined {
    return this.nodeOwners.get(type);
  }

  get(type: string): NodeDefinition<any> | undefined {
    return this.nodes.get(type);
  }

  effect(kind: string): EngineEffectHandler | undefined {
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
      throw new ForesightError('plugin_load_failed', `plugins: cannot load "${spec}": ${errorMessage(err)}${notFoundHint(err, target, isPath)}`, { field: 'plugins', cause: err });
    }
    const plugin = (mod.default ?? mod) as PluginModule;
    this.use(plugin, typeof plugin?.name === 'string' ? plugin.name : spec);
    this.sources.push(target);
    return plugin as PluginModule;
  }
}

/** Only when the plugin itself is missing does the fix lie in how it is named; a syntax error or a missing dependency says so itself. */
function notFoundHint(err: unknown, target: string, isPath: boolean): string {
  const code = (err as { code?: string }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') return '';
  const message = errorMessage(err);
  const missing = isPath ? message.includes(fileURLToPath(target)) : message.includes(`'${target}'`);
  if (!missing) return '';
  return isPath ? '; check the path (relative paths are resolved from the working directory)' : `; install it (npm install ${target}) or give a file path such as ./my-plugin.ts`;
}
