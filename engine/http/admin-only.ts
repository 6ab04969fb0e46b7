import type { Principal } from '../auth/service.ts';
import { ForesightError } from '../core/errors.ts';
import type { Problem } from '../graph/types.ts';
import type { NodeRegistry } from '../plugin/registry.ts';

interface LooseNode {
  id?: unknown;
  type?: unknown;
  config?: Record<string, unknown>;
}

const nodesOf = (doc: unknown): LooseNode[] => {
  const nodes = (doc as { nodes?: unknown } | null)?.nodes;
  return Array.isArray(nodes) ? nodes.filter((n): n is LooseNode => Boolean(n) && typeof n === 'object') : [];
};
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Nodes of `doc` where a field declared `adminOnly` is set away from its
 * default and the node is not exactly as in `baseline` (what an admin last
 * saved or published): an editor may keep such a node, never add or change one.
 */
export function adminOnlyChanges(registry: NodeRegistry, doc: unknown, baseline: unknown): Problem[] {
  const before = new Map(nodesOf(baseline).map((n) => [n.id, n]));
  const problems: Problem[] = [];
  for (const node of nodesOf(doc)) {
    const fields = typeof node.type === 'string' ? (registry.get(node.type)?.fields ?? []) : [];
    for (const f of fields) {
      const value = node.config?.[f.key];
      if (!f.adminOnly || value === undefined || same(value, f.default)) continue;
      const prior = before.get(node.id);
      if (prior && prior.type === node.type && same(prior.config, node.config)) continue;
      problems.push({ nodeId: String(node.id), field: f.key, message: `node "${String(node.id)}": ${f.key}: only an admin may set "${f.label}" or change a node where it is set; ask an admin` });
    }
  }
  return problems;
}

/** Throws a 403 listing the nodes when a non-admin builder user would set an admin-only field. */
export function assertMaySet(principal: Principal | null, registry: NodeRegistry, doc: unknown, baseline: unknown): void {
  if (principal?.kind !== 'session' || principal.user.role === 'admin') return;
  const problems = adminOnlyChanges(registry, doc, baseline);
  if (problems.length) throw new ForesightError('forbidden', problems[0]!.message, { field: 'graph', details: problems });
}
