import type { OpsStore } from '../types.ts';
import type { Db } from './db.ts';

export function pgOps(db: Db): OpsStore {
  return {
    async dueRuns(now) {
      // Same predicate as the runs_due partial index, so the count is an index range scan.
      const [r] = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE status IN ('active', 'waiting') AND wake_at IS NOT NULL AND wake_at <= $1", [now]);
      return r!.n;
    },
  };
}
