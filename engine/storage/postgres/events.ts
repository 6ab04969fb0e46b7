import { idsInOrder } from '../sqlite/events.ts';
import { toEvent } from '../sqlite/rows.ts';
import type { EventStore } from '../types.ts';
import { columns, type Db } from './db.ts';

/** Advisory lock key serialising inbox claims: ranges must not overlap across workers. */
const EVENT_CLAIM_LOCK = 0x46_45_56; // "FEV"

export function pgEvents(db: Db): EventStore {
  return {
    async insert(events, now) {
      if (!events.length) return [];
      // Inserted in input order (ORDINALITY), so ascending ids map back to the inputs as on SQLite.
      const rows = await db.query<{ id: number; key: string | null }>(
        `INSERT INTO events (customer_id, type, properties, occurred_at, received_at, idempotency_key, processed)
         SELECT c, t, p, o, $7, k, pr FROM unnest($1::int8[], $2::text[], $3::jsonb[], $4::int8[], $5::text[], $6::int4[]) WITH ORDINALITY AS u(c, t, p, o, k, pr, n)
         ORDER BY n
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key AS key`,
        [
          ...columns(events, [(e) => e.customerId, (e) => e.type, (e) => JSON.stringify(e.properties ?? {}), (e) => e.occurredAt, (e) => e.idempotencyKey ?? null, (e) => (e.processed ? 1 : 0)]),
          now,
        ],
      );
      return idsInOrder(events, rows);
    },
    async claim({ now, owner, leaseMs, limit }) {
      // A claim leases one id range (see the event_claims table). Claims are serialised by a
      // transaction-scoped advisory lock: two workers reading the live ranges at once could
      // otherwise both take the same events. The lock is held for three short statements.
      return db.tx(async (q) => {
        await q('SELECT pg_advisory_xact_lock($1)', [EVENT_CLAIM_LOCK]);
        await q(
          'DELETE FROM event_claims WHERE expires <= $1 OR NOT EXISTS (SELECT 1 FROM events WHERE processed = 0 AND id BETWEEN from_id AND to_id)',
          [now],
        );
        const rows = await q(
          `SELECT * FROM events e WHERE processed = 0
             AND NOT EXISTS (SELECT 1 FROM event_claims c WHERE e.id BETWEEN c.from_id AND c.to_id)
           ORDER BY id LIMIT $1`,
          [limit],
        );
        if (rows.length) await q('INSERT INTO event_claims (owner, from_id, to_id, expires) VALUES ($1, $2, $3, $4)', [owner, rows[0]!.id, rows[rows.length - 1]!.id, now + leaseMs]);
        return rows.map(toEvent);
      });
    },
    async list(customerId, { type, since, limit }) {
      const rows = await db.query(
        `SELECT * FROM events WHERE customer_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::int8 IS NULL OR occurred_at >= $3)
         ORDER BY occurred_at DESC, id DESC LIMIT $4`,
        [customerId, type ?? null, since ?? null, limit ?? 1000],
      );
      return rows.map(toEvent);
    },
    async processedSince(customerIds, since, types) {
      if (!customerIds.length || !types.length) return [];
      const rows = await db.query(
        `SELECT * FROM events WHERE customer_id = ANY($1::int8[]) AND type = ANY($2::text[]) AND occurred_at >= $3 AND processed = 1 ORDER BY occurred_at, id`,
        [customerIds, types, since],
      );
      return rows.map(toEvent);
    },
    async unprocessedCount() {
      const [r] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE processed = 0');
      return r!.n;
    },
  };
}
