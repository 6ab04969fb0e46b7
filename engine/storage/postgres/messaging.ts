import type { SendLogStore, SuppressionRecord, SuppressionStore } from '../types.ts';
import type { Db } from './db.ts';

const normal = (email: string) => email.trim().toLowerCase();
const SUPPRESSION = 'email, reason, created_at AS "createdAt"';

export function pgSuppressions(db: Db): SuppressionStore {
  return {
    async add(entries, now) {
      if (!entries.length) return;
      // In input order, so an address listed twice keeps its first reason.
      await db.query(
        `INSERT INTO suppressions (email, reason, created_at) SELECT e, r, $3 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(e, r, n) ORDER BY n
         ON CONFLICT (email) DO NOTHING`,
        [entries.map((e) => normal(e.email)), entries.map((e) => e.reason), now],
      );
    },
    async remove(email) {
      return (await db.query('DELETE FROM suppressions WHERE email = $1 RETURNING email', [normal(email)])).length > 0;
    },
    async lift({ reason, since, until }) {
      const rows = await db.query('DELETE FROM suppressions WHERE reason = $1 AND created_at >= $2 AND created_at <= $3 RETURNING email', [
        reason,
        since ?? Number.MIN_SAFE_INTEGER,
        until ?? Number.MAX_SAFE_INTEGER,
      ]);
      return rows.length;
    },
    async get(email) {
      return (await db.query<SuppressionRecord>(`SELECT ${SUPPRESSION} FROM suppressions WHERE email = $1`, [normal(email)]))[0] ?? null;
    },
    async list({ limit, offset }) {
      return db.query<SuppressionRecord>(`SELECT ${SUPPRESSION} FROM suppressions ORDER BY email LIMIT $1 OFFSET $2`, [limit, offset]);
    },
  };
}

export function pgSendLog(db: Db): SendLogStore {
  return {
    async record(send, at) {
      await db.query('INSERT INTO email_sends (key, customer_id, category, capped, sent_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING', [
        send.key,
        send.customerId,
        send.category,
        send.capped ? 1 : 0,
        at,
      ]);
    },
    async countCapped(customerId, since) {
      const [r] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM email_sends WHERE customer_id = $1 AND capped = 1 AND sent_at >= $2', [customerId, since]);
      return r!.n;
    },
    async cappedSentAt(customerId, since) {
      const rows = await db.query<{ at: number }>('SELECT sent_at AS at FROM email_sends WHERE customer_id = $1 AND capped = 1 AND sent_at >= $2 ORDER BY sent_at', [customerId, since]);
      return rows.map((r) => Number(r.at));
    },
    async countAll(customerId, since) {
      const [r] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM email_sends WHERE customer_id = $1 AND sent_at >= $2', [customerId, since]);
      return r!.n;
    },
  };
}
