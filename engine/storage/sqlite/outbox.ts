import type { Database } from 'better-sqlite3';
import type { OutboxStore } from '../types.ts';
import { ERASED_OUTBOX, OF_ERASED_CUSTOMER } from './privacy.ts';
import { toOutbox } from './rows.ts';

export function sqliteOutbox(db: Database): OutboxStore {
  // Claiming moves an entry to `sending` and commits before delivery starts:
  // after a crash it is never picked up again, so nothing is delivered twice.
  // A customer with a delivery in flight is left to that worker: per-customer
  // checks at send time (frequency cap) then always see the previous send.
  const claim = db.prepare(
    `UPDATE outbox SET status = 'sending', attempts = attempts + 1, lease_owner = @owner, lease_expires = @expires, updated_at = @now
     WHERE key IN (
       SELECT key FROM outbox WHERE status = 'pending' AND next_attempt_at <= @now
         AND customer_id NOT IN (SELECT customer_id FROM outbox WHERE status = 'sending')
       ORDER BY next_attempt_at LIMIT @limit)
     RETURNING *`,
  );
  const settle = db.prepare(
    `UPDATE outbox SET status = @status, last_error = @error, detail = @detail, next_attempt_at = COALESCE(@nextAttemptAt, next_attempt_at),
       lease_owner = NULL, lease_expires = NULL, updated_at = @now WHERE key = @key`,
  );
  // A delivery in flight while its customer was erased settles afterwards: erasure wins,
  // so the outcome's detail (the address) and error are dropped again.
  const eraseWins = db.prepare(`UPDATE outbox SET ${ERASED_OUTBOX} WHERE key = @key AND ${OF_ERASED_CUSTOMER}`);
  return {
    async claim({ now, owner, leaseMs, limit }) {
      return (claim.all({ owner, expires: now + leaseMs, now, limit }) as Record<string, unknown>[]).map(toOutbox);
    },
    async settle(results, now) {
      db.transaction(() => {
        for (const r of results) {
          settle.run({ key: r.key, status: r.status, error: r.error ?? null, detail: r.detail ? JSON.stringify(r.detail) : null, nextAttemptAt: r.nextAttemptAt ?? null, now });
          eraseWins.run({ key: r.key });
        }
      })();
    },
    async markStale(now) {
      return db.prepare(`UPDATE outbox SET status = 'unknown', last_error = 'process stopped during delivery; not retried to avoid a double send', updated_at = ? WHERE status = 'sending' AND lease_expires <= ?`).run(now, now).changes;
    },
    async get(key) {
      const r = db.prepare('SELECT * FROM outbox WHERE key = ?').get(key) as Record<string, unknown> | undefined;
      return r ? toOutbox(r) : null;
    },
    async list({ customerId, kind, status, since, limit }) {
      const where: string[] = [];
      if (customerId !== undefined) where.push('customer_id = @customerId');
      if (kind) where.push('kind = @kind');
      if (status) where.push('status = @status');
      if (since !== undefined) where.push('created_at >= @since');
      const sql = `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, key LIMIT @limit`;
      return (db.prepare(sql).all({ customerId, kind, status, since, limit: limit ?? 1000 }) as Record<string, unknown>[]).map(toOutbox);
    },
    async countSent(customerId, kinds, since) {
      if (!kinds.length) return 0;
      const marks = kinds.map(() => '?').join(', ');
      return db
        .prepare(`SELECT COUNT(*) FROM outbox WHERE customer_id = ? AND kind IN (${marks}) AND created_at >= ? AND status IN ('pending', 'sending', 'sent', 'unknown')`)
        .pluck()
        .get(customerId, ...kinds, since) as number;
    },
    async nextAttemptAt() {
      return (db.prepare(`SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'`).pluck().get() ?? null) as number | null;
    },
    async countByStatus() {
      const rows = db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },
  };
}
