import type { SegmentMemberRecord, SegmentMembershipStore } from '../types.ts';
import { columns, type Db } from './db.ts';
import { lastPerKey } from './scores.ts';

const MEMBER = 'segment, customer_id AS "customerId", member, entries, changed_at AS "changedAt"';

export function pgSegmentMembers(db: Db): SegmentMembershipStore {
  return {
    async list(segment) {
      return db.query<SegmentMemberRecord>(`SELECT ${MEMBER} FROM segment_members WHERE segment = $1 ORDER BY customer_id`, [segment]);
    },
    async put(rows) {
      if (!rows.length) return;
      await db.query(
        `INSERT INTO segment_members (segment, customer_id, member, entries, changed_at) SELECT * FROM unnest($1::text[], $2::int8[], $3::bool[], $4::int8[], $5::int8[])
         ON CONFLICT (segment, customer_id) DO UPDATE SET member = excluded.member, entries = excluded.entries, changed_at = excluded.changed_at`,
        columns(
          lastPerKey(rows, (r) => `${r.segment}\0${r.customerId}`),
          [(r) => r.segment, (r) => r.customerId, (r) => r.member, (r) => r.entries, (r) => r.changedAt],
        ),
      );
    },
    async clear(segment) {
      await db.query('DELETE FROM segment_members WHERE segment = $1', [segment]);
    },
  };
}
