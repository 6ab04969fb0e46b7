import type { Database } from 'better-sqlite3';
import type { OutboxResult, OutboxStore } from '../types.ts';
import { SQLITE_PAYLOAD } from './lift.ts';
import { erasedOutbox, OF_ERASED_CUSTOMER } from './privacy.ts';
import { toOutbox } from './rows.ts';

// Entries of these journeys are held (paused) or about to be cancelled (archived): never claimed.
export const HELD_JOURNEYS = `journey_id NOT IN (SELECT id FROM journeys WHERE status IN ('paused', 'archived'))`;

/** Why an entry on the wire when its worker stopped is `unknown`. */
export const STOPPED_WHILE_SENDING = 'process stopped while this was being sent; not retried to avoid a double send (re-queue it if it did not arrive)';

export function sqliteOutbox(db: Database): OutboxStore {
  // Claiming leases an entry as `claimed` (not yet on the wire); each entry is marked `sending`
  // in its own group commit right before it is sent (see `settle`). After a crash, claimed
  // entries go back to pending and only sending ones are `unknown`: nothing is sent twice and
  // nothing that never left is lost.
  // A customer with a delivery in flight is left to that worker: per-customer checks at send
  // time (frequency cap, send rate) then always see the previous send.
  const claim = (exceptKinds: number) =>
    db.prepare(
      `UPDATE outbox SET status = 'claimed', lease_owner = @owner, lease_expires = @expires, updated_at = @now
       WHERE key IN (
         SELECT o.key FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= @now AND ${HELD_JOURNEYS}
           ${exceptKinds ? `AND o.kind NOT IN (${Array.from({ length: exceptKinds }, (_, i) => `@k${i}`).join(', ')})` : ''}
           AND NOT EXISTS (SELECT 1 FROM outbox f WHERE f.customer_id = o.customer_id AND f.status IN ('claimed', 'sending'))
         ORDER BY o.next_attempt_at LIMIT @limit)
       RETURNING *`,
    );
  const settle = db.prepare(
    `UPDATE outbox SET status = @status, last_error = @error, detail = @detail, next_attempt_at = COALESCE(@nextAttemptAt, next_attempt_at), attempts = attempts - @uncount,
       lease_owner = NULL, lease_expires = NULL, updated_at = @now WHERE key = @key`,
  );
  // A delivery in flight while its customer was erased settles afterwards: erasure wins,
  // so the outcome's detail (the address) and error are dropped again.
  const eraseWins = db.prepare(`UPDATE outbox SET ${erasedOutbox(SQLITE_PAYLOAD)} WHERE key = @key AND ${OF_ERASED_CUSTOMER}`);
  const start = db.prepare(
    `UPDATE outbox SET status = 'sending', attempts = attempts + 1, lease_expires = @expires, updated_at = @now
     WHERE key = @key AND status = 'claimed' AND lease_owner = @owner`,
  );
  // One statement over both in-flight statuses: its WHERE matches the partial index `outbox_in_flight` exactly.
  const expire = db.prepare(
    `UPDATE outbox SET
       status = CASE status WHEN 'claimed' THEN 'pending' ELSE 'unknown' END,
       last_error = CASE status WHEN 'claimed' THEN last_error
         ELSE @stopped END,
       lease_owner = NULL, lease_expires = NULL, updated_at = @now
     WHERE status IN ('claimed', 'sending') AND lease_expires <= @now
     RETURNING status`,
  );
  const cancel = db.prepare(
    `UPDATE outbox SET status = 'cancelled', last_error = 'journey archived before delivery', updated_at = @now
     WHERE status = 'pending' AND journey_id IN (SELECT id FROM journeys WHERE status = 'archived')`,
  );
  const write = db.transaction((results: OutboxResult[], now: number, starting?: { owner: string; leaseMs: number; keys: string[] }) => {
    for (const r of results) {
      settle.run({ key: r.key, status: r.status, error: r.error ?? null, detail: r.detail ? JSON.stringify(r.detail) : null, nextAttemptAt: r.nextAttemptAt ?? null, uncount: r.notAnAttempt ? 1 : 0, now });
      eraseWins.run({ key: r.key });
    }
    if (!starting) return [];
    return starting.keys.filter((key) => start.run({ key, now, owner: starting.owner, expires: now + starting.leaseMs }).changes > 0);
  });
  const recover = db.transaction((now: number) => {
    const expired = (expire.all({ now, stopped: STOPPED_WHILE_SENDING }) as { status: string }[]).map((r) => r.status);
    const unknown = expired.filter((st) => st === 'unknown').length;
    return { released: expired.length - unknown, unknown, cancelled: cancel.run({ now }).changes };
  });
  return {
    async claim({ now, owner, leaseMs, limit, exceptKinds = [] }) {
      const params: Record<string, unknown> = { owner, expires: now + leaseMs, now, limit };
      exceptKinds.forEach((k, i) => (params[`k${i}`] = k));
      return (claim(exceptKinds.length).all(params) as Record<string, unknown>[]).map(toOutbox);
    },
    async settle(results, now, start) {
      return write(results, now, start);
    },
    async recover(now) {
      return recover(now);
    },
    async requeue({ status, keys }, now) {
      const byKey = keys ? `AND key IN (SELECT value FROM json_each(@keys))` : '';
      return db
        .prepare(`UPDATE outbox SET status = 'pending', next_attempt_at = @now, last_error = 're-queued by an operator after: ' || COALESCE(last_error, status), updated_at = @now WHERE status = @status ${byKey}`)
        .run({ status, now, keys: JSON.stringify(keys ?? []) }).changes;
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
        .prepare(`SELECT COUNT(*) FROM outbox WHERE customer_id = ? AND kind IN (${marks}) AND created_at >= ? AND status IN ('pending', 'claimed', 'sending', 'sent', 'unknown')`)
        .pluck()
        .get(customerId, ...kinds, since) as number;
    },
    async nextAttemptAt() {
      return (db.prepare(`SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending' AND ${HELD_JOURNEYS}`).pluck().get() ?? null) as number | null;
    },
    async countByStatus() {
      const rows = db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },
  };
}
