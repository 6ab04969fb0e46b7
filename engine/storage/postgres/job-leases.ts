import type { Db } from './db.ts';

/** Recurring jobs across a fleet: each scheduled firing runs on exactly one worker. */
export interface JobLeaseStore {
  /**
   * Claims the firing of job `name` scheduled for `slot` (epoch ms). True for the one caller
   * that moves the job's last claimed slot forward; every other worker gets false and skips it.
   */
  claim(name: string, slot: number, owner: string, now: number): Promise<boolean>;
}

export function pgJobLeases(db: Db): JobLeaseStore {
  return {
    async claim(name, slot, owner, now) {
      // A compare-and-set on one row: the upsert only writes when the slot is newer than the last one claimed.
      const rows = await db.query(
        `INSERT INTO job_leases (name, due, owner, claimed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET due = excluded.due, owner = excluded.owner, claimed_at = excluded.claimed_at
         WHERE job_leases.due < excluded.due RETURNING name`,
        [name, slot, owner, now],
      );
      return rows.length === 1;
    },
  };
}
