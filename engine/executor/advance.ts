import { errorMessage, ForesightError } from '../core/errors.ts';
import { seededRandom } from '../core/hash.ts';
import { edgeKey, type CompiledJourney } from '../graph/compile.ts';
import type { JourneyEvent, NodeContext, NodeResult } from '../plugin/define-node.ts';
import { withDeadline } from '../plugin/deadline.ts';
import { resultProblem } from '../plugin/result.ts';
import type { RunRecord, StepUnit } from '../storage/types.ts';
import type { CustomerServices } from './services.ts';
import { count } from './unit.ts';

/** A run plus the compare-and-set token it was read with. */
export interface WorkingRun {
  run: RunRecord;
  /** (node, visit) as read from storage; null for a run created in this unit. */
  expect: { nodeId: string; visit: number } | null;
}

/** A journey that spins through more nodes than this in one instant has a bug; stop it rather than hang. */
const MAX_STEPS_PER_ADVANCE = 1000;

/** Prefix of the state keys that remember which branch a node sent the run down (for conversion credit). */
export const BRANCH_PREFIX = '$branch:';

/**
 * What moves a run. `at` is the event time of the move (the trigger's or the
 * resuming event's `occurredAt`, a timeout's instant): the run reaches its next
 * nodes at that time, so waits count from when things happened (engine/executor/event-time.ts).
 */
export type Entry = (
  | { kind: 'enter'; event?: JourneyEvent }
  | { kind: 'time' }
  | { kind: 'port'; port: string; detail: Record<string, unknown> }
) & { at?: number };

/**
 * Moves one run forward until it waits or ends, recording each decision in
 * the unit (history, counters, outbox). Never touches storage itself.
 */
export async function advanceRun(w: WorkingRun, j: CompiledJourney, entry: Entry, services: CustomerServices, now: Date, unit: StepUnit): Promise<void> {
  const run = w.run;
  const t = now.getTime();
  const at = entry.at ?? t;
  let event: JourneyEvent | undefined = entry.kind === 'enter' ? entry.event : undefined;
  const waitedSince = entry.kind === 'time' ? (run.wait?.since ?? run.nodeEnteredAt) : undefined;
  let wake: NodeContext['wake'] = waitedSince !== undefined ? { kind: 'time', waitedSince: new Date(waitedSince) } : undefined;
  let forced: { port: string; detail: Record<string, unknown> } | undefined = entry.kind === 'port' ? { port: entry.port, detail: entry.detail } : undefined;

  run.status = 'active';
  run.wakeAt = null;
  run.waitEvent = null;
  run.wait = null;
  run.updatedAt = t;

  for (let steps = 0; ; steps++) {
    const node = j.nodes.get(run.nodeId);
    if (!node) return failRun(run, unit, t, `node "${run.nodeId}" does not exist in journey ${j.id} v${j.version}`);
    if (steps >= MAX_STEPS_PER_ADVANCE) return failRun(run, unit, t, `more than ${MAX_STEPS_PER_ADVANCE} steps without a wait at node "${run.nodeId}"`);
    run.visit++;

    let result: NodeResult;
    if (forced) {
      result = { next: forced.port, trace: forced.detail };
      forced = undefined;
    } else {
      services.position = { runId: run.id, journeyId: run.journeyId, nodeId: node.id, visit: run.visit, enqueued: 0 };
      const step = services.forCall();
      const ctx: NodeContext = {
        now,
        mode: services.mode,
        config: node.config,
        node: { id: node.id, type: node.type },
        run: { id: run.id, journeyId: run.journeyId, version: run.version, visit: run.visit, enteredAt: new Date(run.enteredAt), nodeEnteredAt: new Date(run.nodeEnteredAt) },
        customer: services.customer,
        state: run.state,
        event,
        wake,
        random: lazyRandom(run.id, node.id, run.visit),
        services: step,
      };
      const written: Written = { outbox: unit.outbox.length, profiles: unit.profiles.length, attributes: services.customer.attributes };
      let returned: unknown;
      try {
        returned = await withDeadline(() => node.def.run(ctx), node.timeoutMs, deadlineLabel(node));
      } catch (err) {
        return failCall(written, services, run, unit, t, err instanceof ForesightError && err.code === 'deadline_exceeded' ? err.message : `${who(node)} threw: ${errorMessage(err)}`);
      } finally {
        step.close();
      }
      services.position = { ...services.position, runId: 0 };
      const problem = resultProblem(returned, now);
      if (problem) return failCall(written, services, run, unit, t, `${who(node)} ${problem}`);
      result = returned as NodeResult;
    }
    event = undefined;
    wake = undefined;
    if (result.patch) run.state = { ...run.state, ...result.patch };

    if ('next' in result) {
      const port = result.next;
      if (!node.ports.includes(port)) return failRun(run, unit, t, `node "${node.id}" (${node.type}) chose port "${port}", which it does not declare (${node.ports.join(', ')})`);
      if (node.ports.length > 1) run.state = { ...run.state, [BRANCH_PREFIX + node.id]: port };
      unit.history.push({ runId: run.id, visit: run.visit, nodeId: node.id, at: t, kind: 'port', port, detail: result.trace ?? null });
      count(unit, run.journeyId, run.version, node.id, `port:${port}`);
      const target = j.edges.get(edgeKey(node.id, port));
      if (target === undefined) return end(run, t, 'completed', 'end of path');
      run.nodeId = target;
      run.nodeEnteredAt = at;
      count(unit, run.journeyId, run.version, target, 'entered');
      continue;
    }
    if ('wait' in result) {
      const spec = result.wait;
      for (const p of [spec.event?.port, spec.timeoutPort]) {
        if (p !== undefined && !node.ports.includes(p)) return failRun(run, unit, t, `node "${node.id}" waits towards port "${p}", which it does not declare`);
      }
      run.status = 'waiting';
      run.wakeAt = spec.until ? spec.until.getTime() : null;
      run.waitEvent = spec.event?.type ?? null;
      // A node asked again that waits on keeps its wait's start: an awaited event dated since then still counts.
      run.wait = {
        since: steps === 0 && waitedSince !== undefined ? waitedSince : at,
        ...(spec.until ? { until: spec.until.getTime() } : {}),
        ...(spec.event ? { event: spec.event } : {}),
        ...(spec.timeoutPort ? { timeoutPort: spec.timeoutPort } : {}),
      };
      unit.history.push({
        runId: run.id,
        visit: run.visit,
        nodeId: node.id,
        at: t,
        kind: 'wait',
        detail: { ...(spec.until ? { until: spec.until.toISOString() } : {}), ...(spec.event ? { event: spec.event.type } : {}), ...(result.trace ?? {}) },
      });
      return;
    }
    unit.history.push({ runId: run.id, visit: run.visit, nodeId: node.id, at: t, kind: 'exit', detail: { reason: result.exit, ...(result.trace ?? {}) } });
    count(unit, run.journeyId, run.version, node.id, 'exit');
    return end(run, t, 'completed', result.exit);
  }
}

// Module-level on purpose: closures declared per step cost a name-keeping call each under tsx.
type CompiledNode = NonNullable<ReturnType<CompiledJourney['nodes']['get']>>;

/** What a node call had written before it ran, to take back if it fails. */
interface Written {
  outbox: number;
  profiles: number;
  attributes: Record<string, unknown>;
}

/** Named only when something goes wrong: building it per step is measurable. */
function who(node: CompiledNode): string {
  return `node "${node.id}" (${node.type}, plugin ${node.plugin})`;
}

function deadlineLabel(node: CompiledNode): () => string {
  return () => `${who(node)} run`;
}

/** A failed call leaves nothing behind: messages it queued and profile changes it made are dropped. */
function failCall(written: Written, services: CustomerServices, run: RunRecord, unit: StepUnit, t: number, message: string): void {
  unit.outbox.length = written.outbox;
  unit.profiles.length = written.profiles;
  services.customer.attributes = written.attributes;
  failRun(run, unit, t, message);
}

/** Ends a run in place: the one way a run's terminal fields are set. */
export function end(run: RunRecord, t: number, status: RunRecord['status'], reason: string): void {
  run.status = status;
  run.updatedAt = t;
  run.endedAt = t;
  run.endReason = reason;
  run.wakeAt = null;
  run.waitEvent = null;
  run.wait = null;
}

/** Fails a run in place with the reason, recording it in the unit's history and counters. */
export function failRun(run: RunRecord, unit: StepUnit, t: number, message: string): void {
  unit.history.push({ runId: run.id, visit: run.visit, nodeId: run.nodeId, at: t, kind: 'fail', detail: { error: message } });
  count(unit, run.journeyId, run.version, run.nodeId, 'failed');
  run.error = message;
  end(run, t, 'failed', 'error');
}

/** The step's seeded random source, built on first use: most nodes never draw, and hashing the seed per step is measurable. */
function lazyRandom(runId: number, nodeId: string, visit: number): () => number {
  let next: (() => number) | undefined;
  return () => (next ??= seededRandom(`${runId}:${nodeId}:${visit}`))();
}
