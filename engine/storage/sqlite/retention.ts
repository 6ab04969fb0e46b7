import type { Database } from 'better-sqlite3';
import { archiveSettled } from '../analytics-sql.ts';
import { nextAfter, SETTLED } from '../retention-window.ts';
import type { RetentionStore } from '../types.ts';

export function sqliteRetention(db: Database): RetentionStore {
  const historyWindow = db.prepare(
    `SELECT h.id, h.at, h.run_id AS runId, r.ended_at AS endedAt FROM run_history h LEFT JOIN runs r ON r.id = h.run_id
     WHERE h.id > ? ORDER BY h.id LIMIT ?`,
  );
  const deleteHistory = db.prepare('DELETE FROM run_history WHERE id IN (SELECT value FROM json_each(?))');
  const archiveDeliveries = db.prepare(archiveSettled('(SELECT value FROM json_each(?))', SETTLED));
  const deleteDeliveries = db.prepare(`DELETE FROM outbox WHERE run_id IN (SELECT value FROM json_each(?)) AND status IN ${SETTLED}`);
  const eventWindow = db.prepare('SELECT id, received_at AS at, processed FROM events WHERE id > ? ORDER BY id LIMIT ?');
  const deleteEvents = db.prepare('DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))');

  const pruneHistory = db.transaction((before: number, afterId: number, limit: number) => {
    const rows = historyWindow.all(afterId, limit) as { id: number; at: number; runId: number; endedAt: number | null }[];
    const gone = rows.filter((r) => r.endedAt !== null && r.endedAt < before && r.at < before);
    const runIds = [...new Set(gone.map((r) => r.runId))];
    const history = gone.length ? deleteHistory.run(JSON.stringify(gone.map((r) => r.id))).changes : 0;
    if (runIds.length) archiveDeliveries.run(JSON.stringify(runIds));
    const deliveries = runIds.length ? deleteDeliveries.run(JSON.stringify(runIds)).changes : 0;
    return { history, deliveries, next: nextAfter(rows, limit, before) };
  });
  const pruneEvents = db.transaction((before: number, afterId: number, limit: number) => {
    const rows = eventWindow.all(afterId, limit) as { id: number; at: number; processed: number }[];
    const gone = rows.filter((r) => r.processed === 1 && r.at < before).map((r) => r.id);
    return { events: gone.length ? deleteEvents.run(JSON.stringify(gone)).changes : 0, next: nextAfter(rows, limit, before) };
  });
  return {
    async pruneHistory(before, afterId, limit) {
      return pruneHistory(before, afterId, limit);
    },
    async pruneEvents(before, afterId, limit) {
      return pruneEvents(before, afterId, limit);
    },
  };
}
