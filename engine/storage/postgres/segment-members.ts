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
      await db.tx(async (q) => {
        await q('DELETE FROM segment_members WHERE segment = $1', [segment]);
        await q('DELETE FROM segment_sizes WHERE segment = $1', [segment]);
      });
    },
    async recordSize(segment, size, at) {
      await db.query('INSERT INTO segment_sizes (segment, at, size) VALUES ($1, $2, $3) ON CONFLICT (segment, at) DO UPDATE SET size = excluded.size', [segment, at, size]);
    },
    async sizes(segment, since) {
      return db.query<{ at: number; size: number }>('SELECT at, size FROM segment_sizes WHERE segment = $1 AND at >= $2 ORDER BY at', [segment, since]);
    },
  };
}
