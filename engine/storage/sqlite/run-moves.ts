import type { Database } from 'better-sqlite3';
import { TIMED_OUT_KEY } from '../../core/run-events.ts';
import type { RunMoveStore, RunMove } from '../types.ts';
import { BUMP_COUNTER } from './runs.ts';

// A timeout the run took in the old version can no longer be corrected by a late event (that
// would take it back to a node of the old graph): a move forgets it.

/** What each kind of move writes besides the common part (version, node, visit, lease). */
export const MOVE_SETS = {
  keep: '',
  replan: ', wake_at = @now, wait_event = NULL, wait = NULL',
  exit: `, status = 'exited', end_reason = 'migration', ended_at = @now, wake_at = NULL, wait_event = NULL, wait = NULL`,
};

/** The history row's detail: what the builder's trace shows for the step. */
export const moveDetail = (m: { from: number; to: number }, move: RunMove) => JSON.stringify({ fromVersion: m.from, toVersion: m.to, from: move.from, to: move.to, replan: move.replan });

export const kindOf = (move: RunMove): keyof typeof MOVE_SETS => (move.to === null ? 'exit' : move.replan ? 'replan' : 'keep');

export function sqliteRunMoves(db: Database): RunMoveStore {
  // A run is moved only while it still waits at that node of that version and no worker holds it:
  // the same conditions the executor's claim and compare-and-set rely on.
  const WHERE = `journey_id = @journeyId AND version = @from AND node_id = @source AND status = 'waiting' AND (lease_expires IS NULL OR lease_expires <= @now)`;
  const moves = Object.fromEntries(
    Object.entries(MOVE_SETS).map(([kind, set]) => [
      kind,
      db.prepare(
        `UPDATE runs SET version = CASE WHEN @target IS NULL THEN version ELSE @to END, node_id = COALESCE(@target, node_id), visit = visit + 1,
           state = json_remove(state, '$."${TIMED_OUT_KEY}"'), updated_at = @now, lease_owner = NULL, lease_expires = NULL${set}
         WHERE ${WHERE} RETURNING id, visit, node_id`,
      ),
    ]),
  ) as Record<keyof typeof MOVE_SETS, ReturnType<Database['prepare']>>;
  const busy = db.prepare(
    `SELECT COUNT(*) FROM runs WHERE journey_id = @journeyId AND version = @from AND node_id = @source AND status = 'waiting' AND lease_expires > @now`,
  ).pluck();
  const history = db.prepare(`INSERT INTO run_history (run_id, visit, node_id, at, kind, port, detail) VALUES (?, ?, ?, ?, 'migrate', NULL, ?)`);
  const bumpCounter = db.prepare(BUMP_COUNTER);
  const apply = db.transaction((m: { journeyId: string; from: number; to: number; moves: RunMove[] }, now: number) => {
    const out = { moved: 0, exited: 0, busy: 0 };
    for (const move of m.moves) {
      const params = { journeyId: m.journeyId, from: m.from, to: m.to, source: move.from, target: move.to, now };
      const detail = moveDetail(m, move);
      const rows = moves[kindOf(move)].all(params) as { id: number; visit: number; node_id: string }[];
      for (const r of rows) history.run(r.id, r.visit, r.node_id, now, detail);
      // A moved run enters its new node: the funnel counts it there, as the executor counts an arrival.
      if (rows.length && move.to !== null) bumpCounter.run(m.journeyId, m.to, move.to, 'entered', rows.length);
      out[move.to === null ? 'exited' : 'moved'] += rows.length;
      out.busy += busy.get(params) as number;
    }
    return out;
  });
  const waiting = db.prepare(`SELECT node_id AS nodeId, COUNT(*) AS count FROM runs WHERE journey_id = ? AND version = ? AND status = 'waiting' GROUP BY node_id ORDER BY node_id`);
  return {
    async waiting(journeyId, version) {
      return waiting.all(journeyId, version) as { nodeId: string; count: number }[];
    },
    async apply(m, now) {
      // IMMEDIATE: take the write lock before reading, as the executor's commit does.
      return apply.immediate(m, now);
    },
  };
}
