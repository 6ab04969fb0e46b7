import type { Database } from 'better-sqlite3';
import type { OpsStore } from '../types.ts';

export function sqliteOps(db: Database): OpsStore {
  // Same predicate as the runs_due partial index, so the count is an index range scan.
  const due = db.prepare("SELECT COUNT(*) FROM runs WHERE status IN ('active', 'waiting') AND wake_at IS NOT NULL AND wake_at <= ?").pluck();
  return {
    async dueRuns(now) {
      return due.get(now) as number;
    },
  };
}
