import type { Storage } from '../storage/types.ts';

/** The node type that waits for a customer's predicted next purchase. */
export const PURCHASE_CYCLE_NODE = 'wait.purchaseCycle';

const CUSTOMERS_PER_LOOKUP = 500;

/**
 * Wakes the waiting `wait.purchaseCycle` steps that hold a customer whose prediction moved,
 * so they re-plan against the new one. Storage wakes whole (journey, node) pairs, so every
 * run waiting at such a node re-plans; runs whose prediction did not move settle on the
 * same time again. Returns the runs woken.
 * @example await wakeMovedPurchaseCycles(storage, [12, 40], clock.now().getTime())
 */
export async function wakeMovedPurchaseCycles(storage: Storage, movedCustomerIds: readonly number[], now: number): Promise<number> {
  if (movedCustomerIds.length === 0) return 0;
  const nodes = await purchaseCycleNodes(storage);
  if (nodes.size === 0) return 0;
  const toWake = new Map<string, { journeyId: string; nodeId: string }>();
  for (let i = 0; i < movedCustomerIds.length && toWake.size < nodes.size; i += CUSTOMERS_PER_LOOKUP) {
    const runs = await storage.runs.openForCustomers(movedCustomerIds.slice(i, i + CUSTOMERS_PER_LOOKUP));
    for (const run of runs) {
      const key = pairKey(run.journeyId, run.nodeId);
      if (run.status === 'waiting' && nodes.has(key)) toWake.set(key, { journeyId: run.journeyId, nodeId: run.nodeId });
    }
  }
  return toWake.size === 0 ? 0 : storage.runs.wakeWaitingAt([...toWake.values()], now);
}

/** (journey, node) keys of every purchase-cycle node in any published version (old versions still hold runs). */
async function purchaseCycleNodes(storage: Storage): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const journey of await storage.journeys.list()) {
    if (journey.status === 'archived') continue;
    for (const version of await storage.journeys.versions(journey.id)) {
      const nodes = (version.graph as { nodes?: { id?: unknown; type?: unknown }[] } | null)?.nodes ?? [];
      for (const node of nodes) if (node.type === PURCHASE_CYCLE_NODE && typeof node.id === 'string') keys.add(pairKey(journey.id, node.id));
    }
  }
  return keys;
}

function pairKey(journeyId: string, nodeId: string): string {
  return `${journeyId}\u0000${nodeId}`;
}
