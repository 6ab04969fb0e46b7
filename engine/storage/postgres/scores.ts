import type { ScoreRecord, ScoreStore, SegmentRecord, SegmentStore } from '../types.ts';
import { columns, type Db } from './db.ts';
import { SCORE } from './models.ts';

/** The last row per key: one upsert statement may not touch a row twice. */
export function lastPerKey<T>(rows: readonly T[], key: (r: T) => string): T[] {
  return [...new Map(rows.map((r) => [key(r), r])).values()];
}

export function pgScores(db: Db): ScoreStore {
  return {
    async put(rows) {
      if (!rows.length) return;
      const last = lastPerKey(rows, (r) => `${r.customerId}\0${r.model}`);
      await db.query(
        `INSERT INTO scores (customer_id, model, value, data, model_version, scored_at) SELECT * FROM unnest($1::int8[], $2::text[], $3::float8[], $4::jsonb[], $5::text[], $6::int8[])
         ON CONFLICT (customer_id, model) DO UPDATE SET value = excluded.value, data = excluded.data, model_version = excluded.model_version, scored_at = excluded.scored_at`,
        columns(last, [(r) => r.customerId, (r) => r.model, (r) => r.value, (r) => JSON.stringify(r.data), (r) => r.modelVersion, (r) => r.scoredAt]),
      );
    },
    async forCustomer(customerId) {
      return db.query<ScoreRecord>(`SELECT ${SCORE} FROM scores WHERE customer_id = $1`, [customerId]);
    },
  };
}

const SEGMENT = 'name, definition, description, created_at AS "createdAt", updated_at AS "updatedAt"';

export function pgSegments(db: Db): SegmentStore {
  return {
    async save({ name, definition, description }, now) {
      await db.query(
        `INSERT INTO segments (name, definition, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, description = excluded.description, updated_at = excluded.updated_at`,
        [name, JSON.stringify(definition), description ?? null, now],
      );
    },
    async get(name) {
      return (await db.query<SegmentRecord>(`SELECT ${SEGMENT} FROM segments WHERE name = $1`, [name]))[0] ?? null;
    },
    async list() {
      return db.query<SegmentRecord>(`SELECT ${SEGMENT} FROM segments ORDER BY name`);
    },
    async delete(name) {
      return (await db.query('DELETE FROM segments WHERE name = $1 RETURNING name', [name])).length > 0;
    },
  };
}
