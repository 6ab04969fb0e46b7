import type { Database } from 'better-sqlite3';
import type { SegmentMemberRecord, SegmentMembershipStore } from '../types.ts';

type Row = { segment: string; customer_id: number; member: number; entries: number; changed_at: number };

const toMember = (r: Row): SegmentMemberRecord => ({ segment: r.segment, customerId: r.customer_id, member: r.member === 1, entries: r.entries, changedAt: r.changed_at });

export function sqliteSegmentMembers(db: Database): SegmentMembershipStore {
  const list = db.prepare('SELECT * FROM segment_members WHERE segment = ? ORDER BY customer_id');
  // Prepared once: a refresh can record thousands of entries at a time.
  const upsert = db.prepare(
    `INSERT INTO segment_members (segment, customer_id, member, entries, changed_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (segment, customer_id) DO UPDATE SET member = excluded.member, entries = excluded.entries, changed_at = excluded.changed_at`,
  );
  const put = db.transaction((rows: SegmentMemberRecord[]) => {
    for (const r of rows) upsert.run(r.segment, r.customerId, r.member ? 1 : 0, r.entries, r.changedAt);
  });
  const clearMembers = db.prepare('DELETE FROM segment_members WHERE segment = ?');
  const clearSizes = db.prepare('DELETE FROM segment_sizes WHERE segment = ?');
  const clear = db.transaction((segment: string) => {
    clearMembers.run(segment);
    clearSizes.run(segment);
  });
  const recordSize = db.prepare('INSERT INTO segment_sizes (segment, at, size) VALUES (?, ?, ?) ON CONFLICT (segment, at) DO UPDATE SET size = excluded.size');
  const sizes = db.prepare('SELECT at, size FROM segment_sizes WHERE segment = ? AND at >= ? ORDER BY at');
  return {
    async list(segment) {
      return (list.all(segment) as Row[]).map(toMember);
    },
    async put(rows) {
      put(rows);
    },
    async clear(segment) {
      clear(segment);
    },
    async recordSize(segment, size, at) {
      recordSize.run(segment, at, size);
    },
    async sizes(segment, since) {
      return sizes.all(segment, since) as { at: number; size: number }[];
    },
  };
}
