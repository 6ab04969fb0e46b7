import { eq } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { ScoreStore, SegmentStore } from '../types.ts';
import { scores, segments } from './schema.ts';

export function sqliteScores(d: BetterSQLite3Database): ScoreStore {
  return {
    async put(rows) {
      d.transaction((tx) => {
        for (const r of rows) {
          tx.insert(scores)
            .values(r)
            .onConflictDoUpdate({ target: [scores.customerId, scores.model], set: { value: r.value, data: r.data, modelVersion: r.modelVersion, scoredAt: r.scoredAt } })
            .run();
        }
      });
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
