import type { Database } from 'better-sqlite3';
import type { ScoreRecord, SegmentReadStore } from '../types.ts';
import { toEvent, toOrder } from './rows.ts';

type Row = Record<string, unknown>;

export function sqliteSegmentReads(db: Database): SegmentReadStore {
  const events = db.prepare(
    `SELECT * FROM events WHERE customer_id IN (SELECT value FROM json_each(@ids)) AND type IN (SELECT value FROM json_each(@types))
       AND occurred_at >= @since AND occurred_at <= @until ORDER BY customer_id, occurred_at DESC, id DESC`,
  );
  const orders = db.prepare('SELECT * FROM orders WHERE customer_id IN (SELECT value FROM json_each(?)) AND ordered_at <= ? ORDER BY customer_id, ordered_at, id');
  const scores = db.prepare(
    'SELECT customer_id, model, value, data, model_version, scored_at FROM scores WHERE customer_id IN (SELECT value FROM json_each(?)) AND model IN (SELECT value FROM json_each(?))',
  );
  const eventTypes = db.prepare('SELECT type FROM (SELECT type FROM events ORDER BY id DESC LIMIT @sample) GROUP BY type ORDER BY COUNT(*) DESC, type LIMIT @limit');
  // json_each lists an object's keys; PostgreSQL's jsonb_object_keys is the same idea.
  const attributeKeys = db.prepare(
    'SELECT j.key AS key FROM (SELECT attributes FROM customers ORDER BY id DESC LIMIT @sample) c, json_each(c.attributes) j GROUP BY j.key ORDER BY COUNT(*) DESC, j.key LIMIT @limit',
  );
  return {
    async vocabulary(opts) {
      return {
        eventTypes: (eventTypes.all(opts) as Row[]).map((r) => r.type as string),
        attributeKeys: (attributeKeys.all(opts) as Row[]).map((r) => r.key as string),
      };
    },
    async events(customerIds, types, { since, until }) {
      if (!customerIds.length || !types.length) return [];
      return (events.all({ ids: JSON.stringify(customerIds), types: JSON.stringify(types), since: since ?? Number.MIN_SAFE_INTEGER, until }) as Row[]).map(toEvent);
    },
    async orders(customerIds, until) {
      if (!customerIds.length) return [];
      return (orders.all(JSON.stringify(customerIds), until) as Row[]).map(toOrder);
    },
    async scores(customerIds, models) {
      if (!customerIds.length || !models.length) return [];
      return (scores.all(JSON.stringify(customerIds), JSON.stringify(models)) as Row[]).map(
        (r): ScoreRecord => ({
          customerId: r.customer_id as number,
          model: r.model as string,
          value: r.value as number | null,
          data: JSON.parse((r.data as string | null) ?? '{}') as Record<string, unknown>,
          modelVersion: r.model_version as string,
          scoredAt: r.scored_at as number,
        }),
      );
    },
  };
}
