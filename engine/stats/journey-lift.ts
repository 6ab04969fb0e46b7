import { parseDuration } from '../core/duration.ts';
import { eventSubject, matchesAll, type Filter } from '../core/filter.ts';
import type { JourneyGraph } from '../graph/types.ts';
import type { LiftExposure, Storage } from '../storage/types.ts';
import { liftReport, summarize, type LiftOptions, type LiftReport } from './lift.ts';

/** The lift of a journey (its `settings.holdout`) and of each `action.email` with a holdout, over the goal window. */
export interface JourneyLift {
  /** The goal conversions are counted for (null: the journey has none, so only revenue is compared). */
  goal: string | null;
  /** `settings.goal.within`: each customer is measured from their entry (or the message) for this long; null = until now. */
  window: string | null;
  /** Null when the journey has no holdout. */
  journey: LiftReport | null;
  /** By `action.email` node id, for those with a holdout. */
  messages: Record<string, LiftReport>;
}

/** Customers whose goal events are read per storage call (keeps each query's id list bounded). */
const CHUNK = 5000;

/**
 * Measures each exposure: converted when a goal event (with the goal's filters) happened after
 * the start and within the window, revenue as the store summed it. Both groups get the same rule.
 */
async function outcomes(storage: Storage, exposures: LiftExposure[], graph: JourneyGraph, windowMs: number | null, asOf: number) {
  const goal = graph.settings.goal;
  const converted = new Set<LiftExposure>();
  if (goal && exposures.length) {
    const byCustomer = new Map(exposures.map((x) => [x.customerId, x]));
    const since = exposures.reduce((m, x) => Math.min(m, x.start), Infinity);
    for (let i = 0; i < exposures.length; i += CHUNK) {
      const ids = exposures.slice(i, i + CHUNK).map((x) => x.customerId);
      for (const e of await storage.events.processedSince(ids, since, [goal.event])) {
        const x = byCustomer.get(e.customerId)!;
        const inWindow = e.occurredAt > x.start && e.occurredAt <= asOf && (windowMs === null || e.occurredAt - x.start <= windowMs);
        if (inWindow && matchesAll(eventSubject(e.type, e.properties), goal.where as Filter[] | undefined)) converted.add(x);
      }
    }
  }
  const group = (heldOut: boolean) => summarize(exposures.filter((x) => x.heldOut === heldOut).map((x) => ({ converted: converted.has(x), revenue: x.revenue })));
  return { treated: group(false), holdout: group(true) };
}

/**
 * The lift report of a published journey version: null when neither the journey nor any of
 * its messages holds customers out. `asOf` is the engine's time (journey time).
 */
export async function journeyLift(storage: Storage, graph: JourneyGraph, asOf: number, opts: LiftOptions = {}): Promise<JourneyLift | null> {
  const heldOutMessages = graph.nodes.filter((n) => n.type === 'action.email' && Number(n.config.holdout) > 0);
  if (!(Number(graph.settings.holdout) > 0) && !heldOutMessages.length) return null;
  const within = graph.settings.goal?.within ?? null;
  const windowMs = within ? parseDuration(within, 'settings.goal.within') : null;
  const report = async (exposures: LiftExposure[]) => {
    const o = await outcomes(storage, exposures, graph, windowMs, asOf);
    return liftReport(o.treated, o.holdout, opts);
  };
  const messages: Record<string, LiftReport> = {};
  for (const n of heldOutMessages) messages[n.id] = await report(await storage.lift.messageExposures(graph.id, n.id, windowMs, asOf));
  return {
    goal: graph.settings.goal?.event ?? null,
    window: within,
    journey: Number(graph.settings.holdout) > 0 ? await report(await storage.lift.journeyExposures(graph.id, windowMs, asOf)) : null,
    messages,
  };
}
