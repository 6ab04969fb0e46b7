import { toOutbox } from '../sqlite/rows.ts';
import type { OutboxStore } from '../types.ts';
import { columns, type Db } from './db.ts';

/** Advisory lock key serialising outbox claims, so the per-customer in-flight rule holds across workers. */
const OUTBOX_CLAIM_LOCK = 0x46_4f_42; // "FOB"

export function pgOutbox(db: Db): OutboxStore {
  return {
    async claim({ now, owner, leaseMs, limit }) {
      // As on SQLite: claiming moves an entry to `sending` and commits before delivery, so it
      // is never sent twice. A customer with a delivery in flight on any worker is skipped;
      // the advisory lock makes each claim see every earlier claim's `sending` rows, and
      // SKIP LOCKED leaves entries another transaction is settling to it.
      return db.tx(async (q) => {
        await q('SELECT pg_advisory_xact_lock($1)', [OUTBOX_CLAIM_LOCK]);
        const rows = await q(
          `UPDATE outbox SET status = 'sending', attempts = attempts + 1, lease_owner = $1, lease_expires = $2, updated_at = $3
           WHERE key IN (
             SELECT key FROM outbox WHERE status = 'pending' AND next_attempt_at <= $3
               AND customer_id NOT IN (SELECT customer_id FROM outbox WHERE status = 'sending')
             ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED)
           RETURNING *`,
          [owner, now + leaseMs, now, limit],
        );
        return rows.map(toOutbox).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.key < b.key ? -1 : 1));
      });
    },
    async settle(results, now) {
      if (!results.length) return;
      await db.query(
        `UPDATE outbox o SET status = u.status, last_error = u.error, detail = u.detail, next_attempt_at = COALESCE(u.next_at, o.next_attempt_at),
           lease_owner = NULL, lease_expires = NULL, updated_at = $6
         FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::int8[]) AS u(key, status, error, detail, next_at) WHERE o.key = u.key`,
        [
          ...columns(results, [(r) => r.key, (r) => r.status, (r) => r.error ?? null, (r) => (r.detail ? JSON.stringify(r.detail) : null), (r) => r.nextAttemptAt ?? null]),
          now,
        ],
      );
    },
    async markStale(now) {
      const rows = await db.query(
        `UPDATE outbox SET status = 'unknown', last_error = 'process stopped during delivery; not retried to avoid a double send', updated_at = $1
         WHERE status = 'sending' AND lease_expires <= $1 RETURNING key`,
        [now],
      );
      return rows.length;
    },
    async get(key) {
      const [r] = await db.query('SELECT * FROM outbox WHERE key = $1', [key]);
      return r ? toOutbox(r) : null;
    },
    async list({ customerId, kind, status, since, limit }) {
      const rows = await db.query(
        `SELECT * FROM outbox WHERE ($1::int8 IS NULL OR customer_id = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR status = $3)
           AND ($4::int8 IS NULL OR created_at >= $4) ORDER BY created_at, key LIMIT $5`,
        [customerId ?? null, kind || null, status || null, since ?? null, limit ?? 1000],
      );
      return rows.map(toOutbox);
    },
    async countSent(customerId, kinds, since) {
      if (!kinds.length) return 0;
      const [r] = await db.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM outbox WHERE customer_id = $1 AND kind = ANY($2::text[]) AND created_at >= $3 AND status IN ('pending', 'sending', 'sent', 'unknown')`,
        [customerId, kinds, since],
      );
      return r!.n;
    },
    async nextAttemptAt() {
      const [r] = await db.query<{ m: number | null }>(`SELECT MIN(next_attempt_at) AS m FROM outbox WHERE status = 'pending'`);
      return r?.m ?? null;
    },
    async countByStatus() {
      const rows = await db.query<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status');
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },
  };
}
