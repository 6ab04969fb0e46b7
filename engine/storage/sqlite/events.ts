import type { Database } from 'better-sqlite3';
import type { EventStore } from '../types.ts';
import { toEvent } from './rows.ts';

export function sqliteEvents(db: Database): EventStore {
  const insert = db.prepare(
    'INSERT INTO events (customer_id, type, properties, occurred_at, received_at, idempotency_key, processed) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING',
  );
  const claim = db.prepare(
    `UPDATE events SET lease_owner = ?, lease_expires = ? WHERE id IN (
       SELECT id FROM events WHERE processed = 0 AND (lease_expires IS NULL OR lease_expires <= ?) ORDER BY id LIMIT ?
     ) RETURNING *`,
  );
  return {
    async insert(events, now) {
      return db.transaction(() =>
        events.map((e) => {
          const r = insert.run(e.customerId, e.type, JSON.stringify(e.properties ?? {}), e.occurredAt, now, e.idempotencyKey ?? null, e.processed ? 1 : 0);
          return r.changes ? Number(r.lastInsertRowid) : null;
        }),
      )();
    },
    async claim({ now, owner, leaseMs, limit }) {
      const rows = claim.all(owner, now + leaseMs, now, limit) as Record<string, unknown>[];
      return rows.map(toEvent).sort((a, b) => a.id - b.id);
    },
    async list(customerId, { type, since, limit }) {
      const rows = db
        .prepare(
          `SELECT * FROM events WHERE customer_id = ? ${type ? 'AND type = @type' : ''} ${since !== undefined ? 'AND occurred_at >= @since' : ''} ORDER BY occurred_at DESC, id DESC LIMIT @limit`,
        )
        .all(customerId, { type, since, limit: limit ?? 1000 }) as Record<string, unknown>[];
      return rows.map(toEvent);
    },
    async unprocessedCount() {
      return db.prepare('SELECT COUNT(*) FROM events WHERE processed = 0').pluck().get() as number;
    },
  };
}
