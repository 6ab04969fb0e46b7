import { errorMessage } from '../core/errors.ts';
import type { NodeDefinition } from '../plugin/define-node.ts';
import type { GraphNode } from './types.ts';

/**
 * Brings a node built with an older version of its type up to the installed one,
 * in place, before its config is checked: the published graph then records the
 * migrated config and the new `typeVersion`. A type without `migrate` leaves the
 * node on its version (it runs with its old settings) and says so as a warning.
 * Already published versions are never rewritten: they keep running as stored.
 */
export function migrateNode(node: GraphNode, def: NodeDefinition<any>, plugin = 'built-in'): { problem?: string; warning?: string } {
  if (node.typeVersion >= def.version) return {};
  const from = node.typeVersion;
  if (!def.migrate) {
    return { warning: `node "${node.id}": built with ${node.type} version ${from}, installed version ${def.version} (plugin ${plugin}) has no migrate(); it keeps its version-${from} settings` };
  }
  try {
    const config = def.migrate(structuredClone(node.config), from);
    if (!config || typeof config !== 'object' || Array.isArray(config)) throw new TypeError(`returned ${config === undefined ? 'undefined' : JSON.stringify(config)}, not a config object`);
    node.config = config as Record<string, unknown>;
    node.typeVersion = def.version;
    return {};
  } catch (err) {
    return { problem: `node "${node.id}" (${node.type}, plugin ${plugin}): migrate(config, ${from}) to version ${def.version} failed: ${errorMessage(err)}; fix the plugin's migrate or rebuild the node` };
  }
}
