import { HELD_JOURNEYS, STOPPED_WHILE_SENDING } from '../sqlite/outbox.ts';
import { erasedOutbox, OF_ERASED_CUSTOMER } from '../sqlite/privacy.ts';
import { PG_PAYLOAD } from './lift.ts';
import { toOutbox } from '../sqlite/rows.ts';
import type { OutboxStore } from '../types.ts';
import { columns, type Db } from './db.ts';

/** Advisory lock key serialising outbox claims, so the per-customer in-flight rule holds across workers. */
const OUTBOX_CLAIM_LOCK = 0x46_4f_42; // "FOB"

export function pgOutbox(db: Db): OutboxStore {
  return {
    async claim({ now, owner, leaseMs, limit, exceptKinds = [] }) {
      // As on SQLite: claiming leases entries as `claimed` (not on the wire yet); each is marked
      // `sending` right before it is sent (settle's `start`). A customer with a delivery in flight
      // on any worker is skipped; the advisory lock makes each claim see every earlier claim's
      // rows, and SKIP LOCKED leaves entries another transaction is settling to it.
      return db.tx(async (q) => {
        await q('SELECT pg_advisory_xact_lock($1)', [OUTBOX_CLAIM_LOCK]);
        const rows = await q(
          `UPDATE outbox SET status = 'claimed', lease_owner = $1, lease_expires = $2, updated_at = $3
           WHERE key IN (
             SELECT o.key FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= $3 AND ${HELD_JOURNEYS}
               AND NOT (o.kind = ANY($5::text[]))
               AND NOT EXISTS (SELECT 1 FROM outbox f WHERE f.customer_id = o.customer_id AND f.status IN ('claimed', 'sending'))
             ORDER BY o.next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED)
           RETURNING *`,
          [owner, now + leaseMs, now, limit, exceptKinds],
        );
        return rows.map(toOutbox).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.key < b.key ? -1 : 1));
      });
    },
    async settle(results, now, start) {
      if (!results.length && !start?.keys.length) return [];
      return db.tx(async (q) => {
        if (results.length) {
          await q(
            `UPDATE outbox o SET status = u.status, last_error = u.error, detail = u.detail, next_attempt_at = COALESCE(u.next_at, o.next_attempt_at),
               attempts = o.attempts - u.uncount, lease_owner = NULL, lease_expires = NULL, updated_at = $7
             FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::int8[], $6::int8[]) AS u(key, status, error, detail, next_at, uncount) WHERE o.key = u.key`,
            [
              ...columns(results, [
                (r) => r.key,
                (r) => r.status,
                (r) => r.error ?? null,
                (r) => (r.detail ? JSON.stringify(r.detail) : null),
                (r) => r.nextAttemptAt ?? null,
                (r) => (r.notAnAttempt ? 1 : 0),
              ]),
              now,
            ],
          );
          // A delivery in flight while its customer was erased settles afterwards: erasure wins.
          await q(`UPDATE outbox SET ${erasedOutbox(PG_PAYLOAD)} WHERE key = ANY($1::text[]) AND ${OF_ERASED_CUSTOMER}`, [results.map((r) => r.key)]);
        }
        if (!start?.keys.length) return [];
        const started = await q<{ key: string }>(
          `UPDATE outbox SET status = 'sending', attempts = attempts + 1, lease_expires = $2, updated_at = $3
           WHERE key = ANY($1::text[]) AND status = 'claimed' AND lease_owner = $4 RETURNING key`,
          [start.keys, now + start.leaseMs, now, start.owner],
        );
        const ok = new Set(started.map((r) => r.key));
        return start.keys.filter((k) => ok.has(k));
      });
    },
    async recover(now) {
      return db.tx(async (q) => {
        const expired = await q<{ status: string }>(
          `UPDATE outbox SET
             status = CASE status WHEN 'claimed' THEN 'pending' ELSE 'unknown' END,
             last_error = CASE status WHEN 'claimed' THEN last_error ELSE $2 END,
             lease_owner = NULL, lease_expires = NULL, updated_at = $1
           WHERE status IN ('claimed', 'sending') AND lease_expires <= $1
           RETURNING status`,
          [now, STOPPED_WHILE_SENDING],
        );
        const cancelled = await q(
          `UPDATE outbox SET status = 'cancelled', last_error = 'journey archived before delivery', updated_at = $1
           WHERE status = 'pending' AND journey_id IN (SELECT id FROM journeys WHERE status = 'archived') RETURNING key`,
          [now],
        );
        const unknown = expired.filter((r) => r.status === 'unknown').length;
        return { released: expired.length - unknown, unknown, cancelled: cancelled.length };
      });
    },
    async requeue({ status, keys }, now) {
      const rows = await db.query(
        `UPDATE outbox SET status = 'pending', next_attempt_at = $2, last_error = 're-queued by an operator after: ' || COALESCE(last_error, status), updated_at = $2
         WHERE status = $1 AND ($3::text[] IS NULL OR key = ANY($3::text[])) RETURNING key`,
        [status, now, keys ?? null],
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
        `SELECT COUNT(*) AS n FROM outbox WHERE customer_id = $1 AND kind = ANY($2::text[]) AND created_at >= $3 AND status IN ('pending', 'claimed', 'sending', 'sent', 'unknown')`,
        [customerId, kinds, since],
      );
      return r!.n;
    },
    async nextAttemptAt() {
      const [r] = await db.query<{ m: number | null }>(`SELECT MIN(next_attempt_at) AS m FROM outbox WHERE status = 'pending' AND ${HELD_JOURNEYS}`);
      return r?.m ?? null;
    },
    async countByStatus() {
      const rows = await db.query<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status');
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },
  };
}
