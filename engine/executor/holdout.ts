import { hashUnit } from '../core/hash.ts';
import type { CompiledJourney } from '../graph/compile.ts';
import type { CustomerProfile } from '../plugin/define-node.ts';
import type { RunRecord, StepUnit } from '../storage/types.ts';
import { end } from './advance.ts';
import { count, JOURNEY_NODE } from './unit.ts';

/** The end reason of a held-out run: what the lift report groups customers by. */
export const HOLDOUT_REASON = 'holdout';

/**
 * The customer's draw for the journey's holdout, in [0, 100): hashed from the journey and
 * the customer (as `split.ab` assigns variants), so a customer is held out of every version
 * and every re-entry alike, whichever worker enrols them.
 */
export function holdoutDraw(journeyId: string, customer: CustomerProfile): number {
  return hashUnit(`${journeyId}:holdout:${customer.externalId}`) * 100;
}

/**
 * Holds a new run out of the journey when the customer's draw falls under `settings.holdout`:
 * the run is recorded (trace and `heldOut` counter) and ends at once, with no node run and no
 * effect. Their goal and revenue are measured afterwards by the lift report over the same window.
 * Returns whether the run was held out.
 */
export function holdOutIfDrawn(run: RunRecord, j: CompiledJourney, customer: CustomerProfile, unit: StepUnit, t: number): boolean {
  const share = j.settings.holdout ?? 0;
  if (share <= 0) return false;
  const draw = holdoutDraw(j.id, customer);
  if (draw >= share) return false;
  run.visit++;
  unit.history.push({
    runId: run.id,
    visit: run.visit,
    nodeId: run.nodeId,
    at: t,
    kind: 'holdout',
    detail: { reason: `held out: ${share} % of customers are kept out of this journey to measure its lift`, holdout: share, draw },
  });
  count(unit, j.id, j.version, JOURNEY_NODE, 'heldOut');
  end(run, t, 'exited', HOLDOUT_REASON);
  return true;
}
