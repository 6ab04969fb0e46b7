import type { Database } from 'better-sqlite3';
import type { SendLogStore, SuppressionRecord, SuppressionStore } from '../types.ts';

// Prepared once: these run on every email delivery, where a query builder's per-call cost showed.

const normal = (email: string) => email.trim().toLowerCase();

export function sqliteSuppressions(db: Database): SuppressionStore {
  const insert = db.prepare('INSERT INTO suppressions (email, reason, created_at) VALUES (?, ?, ?) ON CONFLICT (email) DO NOTHING');
  const remove = db.prepare('DELETE FROM suppressions WHERE email = ?');
  const get = db.prepare('SELECT email, reason, created_at AS createdAt FROM suppressions WHERE email = ?');
  const list = db.prepare('SELECT email, reason, created_at AS createdAt FROM suppressions ORDER BY email LIMIT ? OFFSET ?');
  const lift = db.prepare('DELETE FROM suppressions WHERE reason = @reason AND created_at >= @since AND created_at <= @until');
  const addAll = db.transaction((entries: { email: string; reason: string }[], now: number) => {
    for (const e of entries) insert.run(normal(e.email), e.reason, now);
  });
  return {
    async add(entries, now) {
      addAll(entries, now);
    },
    async remove(email) {
      return remove.run(normal(email)).changes > 0;
    },
    async lift({ reason, since, until }) {
      return lift.run({ reason, since: since ?? Number.MIN_SAFE_INTEGER, until: until ?? Number.MAX_SAFE_INTEGER }).changes;
    },
    async get(email) {
      return (get.get(normal(email)) as SuppressionRecord | undefined) ?? null;
    },
    async list({ limit, offset }) {
      return list.all(limit, offset) as SuppressionRecord[];
    },
  };
}

export function sqliteSendLog(db: Database): SendLogStore {
  const record = db.prepare('INSERT INTO email_sends (key, customer_id, category, capped, sent_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING');
  const countCapped = db.prepare('SELECT COUNT(*) FROM email_sends WHERE customer_id = ? AND capped = 1 AND sent_at >= ?').pluck();
  const cappedSentAt = db.prepare('SELECT sent_at FROM email_sends WHERE customer_id = ? AND capped = 1 AND sent_at >= ? ORDER BY sent_at').pluck();
  const countAll = db.prepare('SELECT COUNT(*) FROM email_sends WHERE customer_id = ? AND sent_at >= ?').pluck();
  return {
    async record(send, at) {
      record.run(send.key, send.customerId, send.category, send.capped ? 1 : 0, at);
    },
    async countCapped(customerId, since) {
      return countCapped.get(customerId, since) as number;
    },
    async cappedSentAt(customerId, since) {
      return cappedSentAt.all(customerId, since) as number[];
    },
    async countAll(customerId, since) {
      return countAll.get(customerId, since) as number;
    },
  };
}
