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
export function idsInOrder(inputs: readonly { idempotencyKey?: string | null }[], rows: { id: number; key: string | null }[]): (number | null)[] {
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
  // A claim takes the oldest unprocessed events outside every live range and leases them as one range.
  // Ranges end when their lease expires or when nothing in them is left to process.
  const dropEnded = db.prepare(
    'DELETE FROM event_claims WHERE expires <= ? OR NOT EXISTS (SELECT 1 FROM events WHERE processed = 0 AND id BETWEEN from_id AND to_id)',
  );
  const unclaimed = db.prepare(
    `SELECT * FROM events e WHERE processed = 0
       AND NOT EXISTS (SELECT 1 FROM event_claims c WHERE e.id BETWEEN c.from_id AND c.to_id)
     ORDER BY id LIMIT ?`,
  );
  const lease = db.prepare('INSERT INTO event_claims (owner, from_id, to_id, expires) VALUES (?, ?, ?, ?)');
  const claim = db.transaction(({ now, owner, leaseMs, limit }: { now: number; owner: string; leaseMs: number; limit: number }) => {
    dropEnded.run(now);
    const rows = unclaimed.all(limit) as Record<string, unknown>[];
    if (rows.length) lease.run(owner, rows[0]!.id, rows[rows.length - 1]!.id, now + leaseMs);
    return rows.map(toEvent);
  });
  const processedSince = db.prepare(
    `SELECT e.* FROM json_each(?) c CROSS JOIN json_each(?) t CROSS JOIN events e ON e.customer_id = c.value AND e.type = t.value AND e.occurred_at >= ?
     WHERE e.processed = 1 ORDER BY e.occurred_at, e.id`,
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
    async claim(lease) {
      return claim.immediate(lease);
    },
    async list(customerId, { type, since, limit }) {
      const rows = db
        .prepare(
          `SELECT * FROM events WHERE customer_id = ? ${type ? 'AND type = @type' : ''} ${since !== undefined ? 'AND occurred_at >= @since' : ''} ORDER BY occurred_at DESC, id DESC LIMIT @limit`,
        )
        .all(customerId, { type, since, limit: limit ?? 1000 }) as Record<string, unknown>[];
      return rows.map(toEvent);
    },
    async processedSince(customerIds, since, types) {
      if (!customerIds.length || !types.length) return [];
      // Customer and type lead the (customer_id, type, occurred_at) index: one seek per pair, whatever the
      // history's length. CROSS JOIN keeps that order (the planner would otherwise scan by customer alone).
      const rows = processedSince.all(JSON.stringify(customerIds), JSON.stringify(types), since) as Record<string, unknown>[];
      return rows.map(toEvent);
    },
    async unprocessedCount() {
      return db.prepare('SELECT COUNT(*) FROM events WHERE processed = 0').pluck().get() as number;
    },
  };
}
