import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { Clock } from './core/clock.ts';
import { ForesightError } from './core/errors.ts';
import type { RunMove, Storage } from './storage/types.ts';

/**
 * Where the runs waiting at an old node go: a node id of the new version, `$stay` (on the old
 * version) or `$exit`. Node ids cannot start with `$`, so neither choice can name a node.
 */
export type MigrationTarget = string;
export const STAY = '$stay';
export const EXIT = '$exit';

/**
 * The bare words "stay" and "exit" of the first API (and older builders) still mean the choice,
 * but only where the new version has no node of that id: a node named `exit` stays a target.
 */
const readTarget = (value: MigrationTarget, newNodes: Map<string, unknown>): MigrationTarget =>
  (value === 'stay' || value === 'exit') && !newNodes.has(value) ? `$${value}` : value;

type PlainGraph = { nodes: { id: string; type: string; config?: Record<string, unknown> }[]; edges: { source: string; target: string }[] };

export interface MigrationMove {
  from: string;
  to: MigrationTarget;
  /** Waiting runs at `from` now. */
  runs: number;
  /** The new node plans the wait again (its type or config differs); otherwise the run keeps its wake time. */
  replan: boolean;
}

export interface MigrationPlan {
  fromVersion: number;
  toVersion: number;
  moves: MigrationMove[];
}

/**
 * Pure: which waiting runs go where. A node kept in the new version maps to itself unless the
 * mapping says otherwise; a removed node with runs waiting must be mapped (a node of the new
 * version, `$stay` or `$exit`). Problems name the mapping entry and the fix.
 */
export function planMigration(
  from: { version: number; graph: PlainGraph },
  to: { version: number; graph: PlainGraph },
  mapping: Record<string, MigrationTarget>,
  waiting: { nodeId: string; count: number }[],
): { plan: MigrationPlan; problems: { field: string; message: string }[] } {
  const oldNodes = new Map(from.graph.nodes.map((n) => [n.id, n]));
  const newNodes = new Map(to.graph.nodes.map((n) => [n.id, n]));
  // Entry nodes (triggers: no edge leads to them) are no place to move a customer already inside:
  // the run would go through the journey again, its updates and mail included.
  const entries = new Set([...newNodes.keys()].filter((id) => !to.graph.edges.some((e) => e.target === id)));
  const choices = `a node of v${to.version} (${[...newNodes.keys()].map((k) => `"${k}"`).join(', ')}), "${STAY}" or "${EXIT}"`;
  const targets = Object.fromEntries(Object.entries(mapping).map(([key, value]) => [key, readTarget(value, newNodes)]));
  const problems: { field: string; message: string }[] = [];
  for (const [key, target] of Object.entries(targets)) {
    if (!oldNodes.has(key)) problems.push({ field: `mapping.${key}`, message: `mapping.${key}: v${from.version} has no node "${key}"` });
    else if (target !== STAY && target !== EXIT && !newNodes.has(target)) problems.push({ field: `mapping.${key}`, message: `mapping.${key}: "${target}" is not ${choices}` });
    else if (entries.has(target)) {
      const after = [...newNodes.keys()].filter((id) => !entries.has(id)).map((k) => `"${k}"`);
      problems.push({ field: `mapping.${key}`, message: `mapping.${key}: "${target}" is where customers enter v${to.version}; moving runs there would take them through the journey again: choose a node of v${to.version} after it (${after.join(', ')}), "${STAY}" or "${EXIT}"` });
    }
  }
  const moves: MigrationMove[] = [];
  for (const w of waiting) {
    const target = targets[w.nodeId] ?? (newNodes.has(w.nodeId) ? w.nodeId : undefined);
    if (target === undefined) {
      problems.push({ field: `mapping.${w.nodeId}`, message: `mapping.${w.nodeId}: node "${w.nodeId}" (${w.count} waiting) is not in v${to.version}; choose ${choices}` });
      continue;
    }
    const before = oldNodes.get(w.nodeId);
    const after = newNodes.get(target);
    // A wait keeps its absolute due time only where the new node would plan exactly the same wait.
    const replan = after !== undefined && !(before && before.type === after.type && isDeepStrictEqual(before.config ?? {}, after.config ?? {}));
    moves.push({ from: w.nodeId, to: target, runs: w.count, replan });
  }
  return { plan: { fromVersion: from.version, toVersion: to.version, moves }, problems };
}

/** Rounds to wait for runs a worker holds (leased) to come to rest before reporting them as left behind. */
const BUSY_ROUNDS = 20;

/**
 * Moves the runs waiting in an older version of a live journey onto the live version (or ends
 * them), as a mapping says; `dryRun` only counts. The storage applies each round in one
 * transaction with the executor's compare-and-set; runs a worker held during a round are tried
 * again once it let go of them.
 */
export async function migrateJourney(
  storage: Storage,
  clock: Clock,
  id: string,
  opts: { fromVersion?: number; mapping?: Record<string, MigrationTarget>; dryRun?: boolean },
): Promise<MigrationPlan & { dryRun: boolean; moved: number; exited: number; stayed: number; busy: number }> {
  const j = await storage.journeys.get(id);
  if (!j) throw new ForesightError('not_found', `journey "${id}" does not exist`, { field: 'id' });
  if (j.liveVersion === null) throw new ForesightError('invalid_state', `journey "${id}" is not published; publish a version to migrate to`, { field: 'id' });
  const older = (await storage.journeys.versions(id)).map((v) => v.version).filter((v) => v < j.liveVersion!);
  const fromVersion = opts.fromVersion ?? Math.max(...older);
  if (!older.includes(fromVersion)) {
    throw new ForesightError('invalid_input', `fromVersion: ${older.length ? `choose a version older than the live v${j.liveVersion}: ${older.join(', ')}` : `v${j.liveVersion} is the only version; nothing to migrate`}`, { field: 'fromVersion' });
  }
  const graphOf = async (v: number) => ({ version: v, graph: (await storage.journeys.version(id, v))!.graph as PlainGraph });
  const { plan, problems } = planMigration(await graphOf(fromVersion), await graphOf(j.liveVersion), opts.mapping ?? {}, await storage.runMoves.waiting(id, fromVersion));
  if (problems.length) throw new ForesightError('invalid_migration', problems.map((p) => p.message).join('; '), { field: problems[0]!.field, details: problems });
  const stayed = plan.moves.filter((m) => m.to === STAY).reduce((n, m) => n + m.runs, 0);
  if (opts.dryRun) return { ...plan, dryRun: true, moved: 0, exited: 0, stayed, busy: 0 };
  const moves: RunMove[] = plan.moves.filter((m) => m.to !== STAY).map((m) => ({ from: m.from, to: m.to === EXIT ? null : m.to, replan: m.replan }));
  const total = { moved: 0, exited: 0, busy: 0 };
  for (let round = 0; round < BUSY_ROUNDS; round++) {
    const r = await storage.runMoves.apply({ journeyId: id, from: fromVersion, to: j.liveVersion, moves }, clock.now().getTime());
    total.moved += r.moved;
    total.exited += r.exited;
    total.busy = r.busy;
    if (r.busy === 0) break;
    // Real time: a worker finishing its step is a real-world wait, whatever the engine's clock says.
    await sleep(50);
  }
  return { ...plan, dryRun: false, ...total, stayed };
}
