import { TIMED_OUT_KEY } from '../../core/run-events.ts';
import { kindOf, MOVE_SETS, moveDetail } from '../sqlite/run-moves.ts';
import type { RunMoveStore } from '../types.ts';
import type { Db } from './db.ts';

const WHERE = `journey_id = $1 AND version = $2 AND node_id = $4 AND status = 'waiting'`;

/** The SQLite statements in PostgreSQL's parameters; see sqlite/run-moves.ts for the rules. */
export function pgRunMoves(db: Db): RunMoveStore {
  return {
    async waiting(journeyId, version) {
      return db.query<{ nodeId: string; count: number }>(
        `SELECT node_id AS "nodeId", COUNT(*) AS count FROM runs WHERE journey_id = $1 AND version = $2 AND status = 'waiting' GROUP BY node_id ORDER BY node_id`,
        [journeyId, version],
      );
    },
    async apply(m, now) {
      return db.tx(async (q) => {
        const out = { moved: 0, exited: 0, busy: 0 };
        for (const move of m.moves) {
          const params = [m.journeyId, m.from, m.to, move.from, move.to, now];
          // A row an engine commit holds is waited for, then checked again against WHERE (READ COMMITTED):
          // a run the worker moved first is no longer here and is left alone.
          const rows = await q<{ id: number; visit: number; node_id: string }>(
            `UPDATE runs SET version = CASE WHEN $5::text IS NULL THEN version ELSE $3::int8 END, node_id = COALESCE($5::text, node_id), visit = visit + 1,
               state = state - '${TIMED_OUT_KEY}', updated_at = $6, lease_owner = NULL, lease_expires = NULL${MOVE_SETS[kindOf(move)].replaceAll('@now', '$6')}
             WHERE ${WHERE} AND (lease_expires IS NULL OR lease_expires <= $6) RETURNING id, visit, node_id`,
            params,
          );
          if (rows.length) {
            await q(
              `INSERT INTO run_history (run_id, visit, node_id, at, kind, port, detail) SELECT id, v, n, $4, 'migrate', NULL, $5::jsonb FROM unnest($1::int8[], $2::int8[], $3::text[]) AS u(id, v, n)`,
              [rows.map((r) => r.id), rows.map((r) => r.visit), rows.map((r) => r.node_id), now, moveDetail(m, move)],
            );
          }
          if (rows.length && move.to !== null) {
            await q(
              `INSERT INTO node_counters (journey_id, version, node_id, key, count) VALUES ($1, $2, $3, 'entered', $4)
               ON CONFLICT (journey_id, version, node_id, key) DO UPDATE SET count = node_counters.count + excluded.count`,
              [m.journeyId, m.to, move.to, rows.length],
            );
          }
          out[move.to === null ? 'exited' : 'moved'] += rows.length;
          const [b] = await q<{ n: number }>(`SELECT COUNT(*) AS n FROM runs WHERE ${WHERE} AND lease_expires > $3`, [m.journeyId, m.from, now, move.from]);
          out.busy += Number(b!.n);
        }
        return out;
      });
    },
  };
}
