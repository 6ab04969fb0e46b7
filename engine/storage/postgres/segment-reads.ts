import { toEvent, toOrder } from '../sqlite/rows.ts';
import type { ScoreRecord, SegmentReadStore } from '../types.ts';
import type { Db } from './db.ts';
import { SCORE } from './models.ts';

export function pgSegmentReads(db: Db): SegmentReadStore {
  return {
    async vocabulary({ sample, limit }) {
      const types = await db.query<{ type: string }>(
        'SELECT type FROM (SELECT type FROM events ORDER BY id DESC LIMIT $1) e GROUP BY type ORDER BY COUNT(*) DESC, type COLLATE "C" LIMIT $2',
        [sample, limit],
      );
      const keys = await db.query<{ key: string }>(
        'SELECT k AS key FROM (SELECT attributes FROM customers ORDER BY id DESC LIMIT $1) c, jsonb_object_keys(c.attributes) k GROUP BY k ORDER BY COUNT(*) DESC, k COLLATE "C" LIMIT $2',
        [sample, limit],
      );
      return { eventTypes: types.map((r) => r.type), attributeKeys: keys.map((r) => r.key) };
    },
    async events(customerIds, types, { since, until }) {
      if (!customerIds.length || !types.length) return [];
      const rows = await db.query(
        `SELECT * FROM events WHERE customer_id = ANY($1::int8[]) AND type = ANY($2::text[]) AND occurred_at >= $3 AND occurred_at <= $4
         ORDER BY customer_id, occurred_at DESC, id DESC`,
        [customerIds, types, since ?? Number.MIN_SAFE_INTEGER, until],
      );
      return rows.map(toEvent);
    },
    async orders(customerIds, until) {
      if (!customerIds.length) return [];
      return (await db.query('SELECT * FROM orders WHERE customer_id = ANY($1::int8[]) AND ordered_at <= $2 ORDER BY customer_id, ordered_at, id', [customerIds, until])).map(toOrder);
    },
    async scores(customerIds, models) {
      if (!customerIds.length || !models.length) return [];
      return db.query<ScoreRecord>(`SELECT ${SCORE} FROM scores WHERE customer_id = ANY($1::int8[]) AND model = ANY($2::text[])`, [customerIds, models]);
    },
  };
}
