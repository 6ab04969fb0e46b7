import type { Storage } from '../storage/types.ts';

/** One variant of a split as auto-allocation sees it (the shape `split.ab` asks for). */
export interface ArmCounts {
  name: string;
  /** Customers sent down the variant's port. */
  runs: number;
  /** Of those, journey-goal conversions credited to the port. */
  conversions: number;
}

/**
 * Per-variant customers and goal conversions of one split node, summed over the journey's
 * versions from its committed counters: what Thompson sampling draws its Beta posteriors from.
 * A batch sees the counts committed before it started.
 */
export async function splitArms(storage: Storage, journeyId: string, nodeId: string): Promise<ArmCounts[]> {
  const arms = new Map<string, ArmCounts>();
  const arm = (name: string) => arms.get(name) ?? arms.set(name, { name, runs: 0, conversions: 0 }).get(name)!;
  for (const c of await storage.runs.counters(journeyId)) {
    if (c.nodeId !== nodeId) continue;
    if (c.key.startsWith('port:')) arm(c.key.slice('port:'.length)).runs += c.count;
    else if (c.key.startsWith('converted:')) arm(c.key.slice('converted:'.length)).conversions += c.count;
  }
  return [...arms.values()];
}
