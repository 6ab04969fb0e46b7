import { archiveSettled } from '../analytics-sql.ts';
import { nextAfter, SETTLED } from '../retention-window.ts';
import type { RetentionStore } from '../types.ts';
import type { Db } from './db.ts';

export function pgRetention(db: Db): RetentionStore {
  return {
    pruneHistory(before, afterId, limit) {
      return db.tx(async (q) => {
        const rows = await q<{ id: number; at: number; runId: number; endedAt: number | null }>(
          `SELECT h.id, h.at, h.run_id AS "runId", r.ended_at AS "endedAt" FROM run_history h LEFT JOIN runs r ON r.id = h.run_id
           WHERE h.id > $1 ORDER BY h.id LIMIT $2`,
          [afterId, limit],
        );
        const gone = rows.filter((r) => r.endedAt !== null && r.endedAt < before && r.at < before);
        const runIds = [...new Set(gone.map((r) => r.runId))];
        const history = gone.length ? (await q<{ n: number }>('WITH d AS (DELETE FROM run_history WHERE id = ANY($1::int8[]) RETURNING 1) SELECT COUNT(*) AS n FROM d', [gone.map((r) => r.id)]))[0]!.n : 0;
        if (runIds.length) await q(archiveSettled('(SELECT unnest($1::int8[]))', SETTLED), [runIds]);
        const deliveries = runIds.length
          ? (await q<{ n: number }>(`WITH d AS (DELETE FROM outbox WHERE run_id = ANY($1::int8[]) AND status IN ${SETTLED} RETURNING 1) SELECT COUNT(*) AS n FROM d`, [runIds]))[0]!.n
          : 0;
        return { history, deliveries, next: nextAfter(rows, limit, before) };
      });
    },
    pruneEvents(before, afterId, limit) {
      return db.tx(async (q) => {
        const rows = await q<{ id: number; at: number; processed: number }>('SELECT id, received_at AS at, processed FROM events WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit]);
        const gone = rows.filter((r) => r.processed === 1 && r.at < before).map((r) => r.id);
        const events = gone.length ? (await q<{ n: number }>('WITH d AS (DELETE FROM events WHERE id = ANY($1::int8[]) RETURNING 1) SELECT COUNT(*) AS n FROM d', [gone]))[0]!.n : 0;
        return { events, next: nextAfter(rows, limit, before) };
      });
    },
  };
}
