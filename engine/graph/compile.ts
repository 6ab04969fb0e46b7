import { ForesightError } from '../core/errors.ts';
import { parseDuration } from '../core/duration.ts';
import { DEFAULT_NODE_TIMEOUT_MS } from '../plugin/deadline.ts';
import { applyDefaults } from '../plugin/fields.ts';
import type { NodeDefinition, TriggerSpec } from '../plugin/define-node.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import type { JourneyGraph, JourneySettings } from './types.ts';
import { validateJourney } from './validate.ts';

export interface CompiledNode {
  id: string;
  type: string;
  def: NodeDefinition<any>;
  config: Record<string, unknown>;
  ports: string[];
  /** The plugin the node type came from, named in run-time failures. */
  plugin: string;
  /** Deadline for one call of the node's `run`. */
  timeoutMs: number;
}

/** A journey version ready to execute: lookups the executor needs, computed once. */
export interface CompiledJourney {
  id: string;
  version: number;
  name: string;
  settings: JourneySettings;
  reentryAfterMs: number | null;
  goalWithinMs: number | null;
  nodes: Map<string, CompiledNode>;
  /** `${source}\0${port}` → target node id. */
  edges: Map<string, string>;
  triggers: { nodeId: string; spec: TriggerSpec }[];
}

/** Compiles a stored (published) version; publish-time limits were checked when it was published. */
export function compileJourney(doc: unknown, registry: NodeRegistry): CompiledJourney {
  const v = validateJourney(doc, registry, { limits: false });
  if (!v.ok || !v.graph) {
    throw new ForesightError('invalid_journey', `journey is invalid:\n${v.problems.map((p) => `  - ${p.message}`).join('\n')}`, { details: v.problems });
  }
  return compileValid(v.graph, registry);
}

function compileValid(graph: JourneyGraph, registry: NodeRegistry): CompiledJourney {
  const nodes = new Map<string, CompiledNode>();
  const triggers: CompiledJourney['triggers'] = [];
  for (const n of graph.nodes) {
    const def = registry.get(n.type)!;
    const config = applyDefaults(def.fields, n.config);
    const plugin = registry.pluginOf(n.type) ?? 'unknown plugin';
    nodes.set(n.id, { id: n.id, type: n.type, def, config, ports: registry.portsOf(def, config), plugin, timeoutMs: def.timeoutMs ?? DEFAULT_NODE_TIMEOUT_MS });
    if (def.trigger) triggers.push({ nodeId: n.id, spec: def.trigger(config) });
  }
  const edges = new Map<string, string>();
  for (const e of graph.edges) edges.set(edgeKey(e.source, e.sourceHandle), e.target);
  const s = graph.settings;
  return {
    id: graph.id,
    version: graph.version,
    name: graph.name,
    settings: s,
    reentryAfterMs: reentryAfterMs(s),
    goalWithinMs: s.goal?.within ? parseDuration(s.goal.within, 'settings.goal.within') : null,
    nodes,
    edges,
    triggers,
  };
}

export function edgeKey(source: string, port: string): string {
  return `${source}\u0000${port}`;
}

/** The least time between two entries of one customer under `reentry: after`; null for the other rules. */
export function reentryAfterMs(s: Pick<JourneyGraph['settings'], 'reentry' | 'reentryAfter'>): number | null {
  return s.reentry === 'after' && s.reentryAfter ? parseDuration(s.reentryAfter, 'settings.reentryAfter') : null;
}
