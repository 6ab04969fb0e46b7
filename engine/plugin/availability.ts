import type { NodeRegistry } from './registry.ts';

/**
 * Why a published journey cannot run in this process, or null when it can:
 * its graph uses node types no loaded plugin provides (a plugin missing from
 * `serve`). Such a journey's runs wait for the plugin; the others go on.
 */
export function unavailableReason(graph: unknown, registry: NodeRegistry): string | null {
  const nodes = (graph as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return null;
  const missing = [...new Set(nodes.map((n) => (n as { type?: unknown })?.type).filter((t): t is string => typeof t === 'string' && !registry.get(t)))];
  if (!missing.length) return null;
  return `node type${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t}"`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not loaded; start the server with the plugin that provides ${missing.length > 1 ? 'them' : 'it'} (config "plugins")`;
}
