import { and, count, eq, gte } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { SendLogStore, SuppressionStore } from '../types.ts';
import { emailSends, suppressions } from './schema.ts';

export function sqliteSuppressions(d: BetterSQLite3Database): SuppressionStore {
  return {
    async add(entries, now) {
      if (!entries.length) return;
      d.insert(suppressions)
        .values(entries.map((e) => ({ email: e.email.trim().toLowerCase(), reason: e.reason, createdAt: now })))
        .onConflictDoNothing()
        .run();
    },
    async remove(email) {
      return d.delete(suppressions).where(eq(suppressions.email, email.trim().toLowerCase())).run().changes > 0;
    },
    async get(email) {
      return d.select().from(suppressions).where(eq(suppressions.email, email.trim().toLowerCase())).get() ?? null;
    },
    async list({ limit, offset }) {
      return d.select().from(suppressions).orderBy(suppressions.email).limit(limit).offset(offset).all();
    },
  };
}

export function sqliteSendLog(d: BetterSQLite3Database): SendLogStore {
  return {
    async record(send, at) {
      d.insert(emailSends)
        .values({ key: send.key, customerId: send.customerId, category: send.category, capped: send.capped ? 1 : 0, sentAt: at })
        .onConflictDoNothing()
        .run();
    },
    async countCapped(customerId, since) {
      const row = d
        .select({ n: count() })
        .from(emailSends)
        .where(and(eq(emailSends.customerId, customerId), eq(emailSends.capped, 1), gte(emailSends.sentAt, since)))
        .get();
      return row?.n ?? 0;
    },
  };
}
