import type { Database } from 'better-sqlite3';
import type { EventStore } from '../types.ts';
import { CHUNK, multiRowInsert } from './bulk.ts';
import { toEvent } from './rows.ts';

/**
 * Maps one multi-row insert's RETURNING rows back to its inputs: null for an input its
 * idempotency key made a duplicate. Rows of one statement get ascending ids in VALUES
 * order, so the sorted ids go to the inserted inputs in turn; of inputs sharing a key
 * only the first can have been inserted.
 */
function idsInOrder(inputs: readonly { idempotencyKey?: string | null }[], rows: { id: number; key: string | null }[]): (number | null)[] {
  const ids = rows.map((r) => r.id).sort((a, b) => a - b);
  const fresh = new Set(rows.flatMap((r) => (r.key === null ? [] : [r.key])));
  let next = 0;
  return inputs.map(({ idempotencyKey: key }) => {
    if (key != null) {
      if (!fresh.has(key)) return null;
      fresh.delete(key);
    }
    return ids[next++]!;
  });
}

export function sqliteEvents(db: Database): EventStore {
  const COLUMNS = 7;
  const insert = multiRowInsert(
    db,
    'INSERT INTO events (customer_id, type, properties, occurred_at, received_at, idempotency_key, processed) VALUES',
    COLUMNS,
    'ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key AS key',
  );
  const claim = db.prepare(
    `UPDATE events SET lease_owner = ?, lease_expires = ? WHERE id IN (
       SELECT id FROM events WHERE processed = 0 AND (lease_expires IS NULL OR lease_expires <= ?) ORDER BY id LIMIT ?
     ) RETURNING *`,
  );
  return {
    async insert(events, now) {
      return db.transaction(() => {
        const flat: unknown[] = [];
        for (const e of events) flat.push(e.customerId, e.type, JSON.stringify(e.properties ?? {}), e.occurredAt, now, e.idempotencyKey ?? null, e.processed ? 1 : 0);
        const chunks = insert(flat) as { id: number; key: string | null }[][];
        return chunks.flatMap((rows, c) => idsInOrder(events.slice(c * CHUNK, (c + 1) * CHUNK), rows));
      })();
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
