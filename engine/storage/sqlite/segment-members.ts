import { eq } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { SegmentMembershipStore } from '../types.ts';
import { segmentMembers } from './schema.ts';

export function sqliteSegmentMembers(d: BetterSQLite3Database): SegmentMembershipStore {
  return {
    async list(segment) {
      return d.select().from(segmentMembers).where(eq(segmentMembers.segment, segment)).orderBy(segmentMembers.customerId).all();
    },
    async put(rows) {
      d.transaction((tx) => {
        for (const r of rows) {
          tx.insert(segmentMembers)
            .values(r)
            .onConflictDoUpdate({ target: [segmentMembers.segment, segmentMembers.customerId], set: { member: r.member, entries: r.entries, changedAt: r.changedAt } })
            .run();
        }
      });
    },
    async clear(segment) {
      d.delete(segmentMembers).where(eq(segmentMembers.segment, segment)).run();
    },
  };
}
