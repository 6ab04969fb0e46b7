import { ForesightError } from '../../engine/core/errors.ts';
import type { JourneyGraph } from '../../engine/graph/types.ts';

/**
 * The journey with `variant` declared the winner of split `nodeId`: every customer who reaches
 * the split from then on takes that variant. Auto-allocation is switched off (nothing is left to
 * allocate). Pure: returns a new document; throws a ForesightError naming the field otherwise.
 */
export function withWinner(graph: JourneyGraph, nodeId: string, variant: string): JourneyGraph {
  const node = graph.nodes.find((n) => n.id === nodeId);
  if (!node) throw new ForesightError('invalid_input', `node: journey "${graph.id}" has no node "${nodeId}"`, { field: 'node' });
  if (node.type !== 'split.ab') throw new ForesightError('invalid_input', `node: "${nodeId}" is a ${node.type}; a winner is declared on a split.ab node`, { field: 'node' });
  const names = Array.isArray(node.config.variants) ? (node.config.variants as { name?: unknown }[]).map((v) => String(v.name)) : [];
  if (!names.includes(variant)) throw new ForesightError('invalid_input', `variant: "${variant}" is not a variant of "${nodeId}"; choose one of ${names.join(', ')}`, { field: 'variant' });
  return { ...graph, nodes: graph.nodes.map((n) => (n === node ? { ...n, config: { ...n.config, winner: variant, autoAllocate: false } } : n)) };
}
