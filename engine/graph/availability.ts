import type { NodeRegistry } from '../plugin/registry.ts';
import { validateJourney } from './validate.ts';

/**
 * Why a published journey version cannot run in this process, or null when it
 * can: its graph uses node types no loaded plugin provides (a plugin missing
 * from `serve`), or no longer validates against the loaded ones. Such a
 * journey's runs wait (for the plugin, or for the operator); the others go on.
 */
export function unavailableReason(graph: unknown, registry: NodeRegistry): string | null {
  const nodes = (graph as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return null;
  const missing = [...new Set(nodes.map((n) => (n as { type?: unknown })?.type).filter((t): t is string => typeof t === 'string' && !registry.get(t)))];
  if (!missing.length) {
    // Otherwise only a version that stopped validating (e.g. a plugin changed its fields) cannot run.
    const [problem] = validateJourney(graph, registry, { limits: false }).problems;
    return problem ? `its published version no longer validates here: ${problem.message}` : null;
  }
  return `node type${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t}"`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not loaded; start the server with the plugin that provides ${missing.length > 1 ? 'them' : 'it'} (config "plugins")`;
}
