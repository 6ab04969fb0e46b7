import { parseDuration } from '../core/duration.ts';
import { applyDefaults } from '../plugin/fields.ts';
import type { NodeHold } from '../plugin/define-node.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import type { JourneyGraph, Problem } from './types.ts';

/**
 * Branches the journey's goal always takes first. The goal is checked before a
 * waiting node sees an event, so a wait for the goal's own event (with at least
 * the goal's filters) that ends inside the goal window can never leave through
 * its event port: every such event converts the run instead.
 *
 * It is a warning, not an error: the journey runs, but the branch is dead. The
 * check is conservative: it warns only when the latest time a run can reach
 * the wait (the longest path of bounded waits from a trigger) plus the wait
 * itself fits in the goal window.
 */
export function goalPreemptedBranches(graph: JourneyGraph, registry: NodeRegistry): Problem[] {
  const goal = graph.settings.goal;
  if (!goal) return [];
  const within = goal.within ? parseDuration(goal.within, 'settings.goal.within') : Infinity;
  const goalFilters = (goal.where ?? []).map((f) => JSON.stringify(f));
  const holds = holdsOf(graph, registry);
  const latest = latestArrivals(graph, registry, holds);
  const warnings: Problem[] = [];
  for (const node of graph.nodes) {
    const hold = holds.get(node.id);
    if (!hold?.event || hold.event.type !== goal.event) continue;
    const waitFilters = new Set(hold.event.where.map((f) => JSON.stringify(f)));
    if (!goalFilters.every((f) => waitFilters.has(f))) continue;
    if ((latest.get(node.id) ?? Infinity) + hold.maxMs > within) continue;
    const window = goal.within ? ` within ${goal.within}` : '';
    warnings.push({
      nodeId: node.id,
      field: 'event',
      message: `node "${node.id}": port "${hold.event.port}" is never taken: the goal (${goal.event}${window}) converts the run first; use a wait without the event (e.g. wait.delay) or drop that branch`,
    });
  }
  return warnings;
}

/** Each waiting node's hold; a waiting node that does not say is unbounded. */
function holdsOf(graph: JourneyGraph, registry: NodeRegistry): Map<string, NodeHold> {
  const holds = new Map<string, NodeHold>();
  for (const n of graph.nodes) {
    const def = registry.get(n.type);
    if (!def?.waits) continue;
    try {
      holds.set(n.id, def.holds?.(applyDefaults(def.fields, n.config)) ?? { maxMs: Infinity });
    } catch {
      // A config the field checks already reported: make no claim about it.
      holds.set(n.id, { maxMs: Infinity });
    }
  }
  return holds;
}

/** The latest time after entry a run can arrive at each node; Infinity through loops and unbounded waits. */
function latestArrivals(graph: JourneyGraph, registry: NodeRegistry, holds: Map<string, NodeHold>): Map<string, number> {
  const preds = new Map<string, string[]>();
  for (const e of graph.edges) preds.set(e.target, [...(preds.get(e.target) ?? []), e.source]);
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const arrival = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return Infinity;
    visiting.add(id);
    const isTrigger = registry.get(graph.nodes.find((n) => n.id === id)?.type ?? '')?.category === 'trigger';
    const from = preds.get(id) ?? [];
    const t = isTrigger ? 0 : from.length ? Math.max(...from.map((p) => arrival(p) + (holds.get(p)?.maxMs ?? 0))) : Infinity;
    visiting.delete(id);
    memo.set(id, t);
    return t;
  };
  for (const n of graph.nodes) arrival(n.id);
  return memo;
}
