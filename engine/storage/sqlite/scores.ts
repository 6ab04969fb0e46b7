import type { Database } from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { ScoreStore, SegmentStore } from '../types.ts';
import { multiRowInsert } from './bulk.ts';
import { scores, segments } from './schema.ts';

export function sqliteScores(d: BetterSQLite3Database, db: Database): ScoreStore {
  // A scoring run writes ten rows per customer for every customer: multi-row upserts
  // (about 50x the rate of one ORM statement per row).
  const upsert = multiRowInsert(
    db,
    'INSERT INTO scores (customer_id, model, value, data, model_version, scored_at) VALUES',
    6,
    'ON CONFLICT (customer_id, model) DO UPDATE SET value = excluded.value, data = excluded.data, model_version = excluded.model_version, scored_at = excluded.scored_at',
  );
  return {
    async put(rows) {
      const flat: unknown[] = [];
      for (const r of rows) flat.push(r.customerId, r.model, r.value, JSON.stringify(r.data), r.modelVersion, r.scoredAt);
      db.transaction(() => upsert(flat))();
    },
    async forCustomer(customerId) {
      return d.select().from(scores).where(eq(scores.customerId, customerId)).all();
    },
  };
}

export function sqliteSegments(d: BetterSQLite3Database): SegmentStore {
  return {
    async save({ name, definition, description }, now) {
      d.insert(segments)
        .values({ name, definition, description: description ?? null, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: segments.name, set: { definition, description: description ?? null, updatedAt: now } })
        .run();
    },
    async get(name) {
      return d.select().from(segments).where(eq(segments.name, name)).get() ?? null;
    },
    async list() {
      return d.select().from(segments).orderBy(segments.name).all();
    },
    async delete(name) {
      return d.delete(segments).where(eq(segments.name, name)).run().changes > 0;
    },
  };
}
