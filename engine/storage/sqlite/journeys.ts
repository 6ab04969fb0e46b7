import { and, asc, desc, eq, max } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { ForesightError } from '../../core/errors.ts';
import type { JourneyRecord, JourneyStore } from '../types.ts';
import { journeys, journeyVersions } from './schema.ts';

export function sqliteJourneys(d: BetterSQLite3Database): JourneyStore {
  // Bumped in-process on every change, plus the max updated_at, so other processes' changes show too.
  let localRevision = 0;
  const get = (id: string): JourneyRecord | null => (d.select().from(journeys).where(eq(journeys.id, id)).get() as JourneyRecord | undefined) ?? null;
  return {
    async saveDraft({ id, name, draft }, now) {
      localRevision++;
      d.insert(journeys)
        .values({ id, name, draft, status: 'draft', createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: journeys.id, set: { name, draft, updatedAt: now } })
        .run();
      return get(id)!;
    },
    async get(id) {
      return get(id);
    },
    async list() {
      return d.select().from(journeys).orderBy(asc(journeys.name)).all() as JourneyRecord[];
    },
    async publish(id, graphFor, now) {
      localRevision++;
      return d.transaction((tx) => {
        const j = tx.select().from(journeys).where(eq(journeys.id, id)).get();
        if (!j) throw new ForesightError('not_found', `journey "${id}" does not exist`, { field: 'id' });
        const last = tx.select({ v: max(journeyVersions.version) }).from(journeyVersions).where(eq(journeyVersions.journeyId, id)).get();
        const version = (last?.v ?? 0) + 1;
        tx.insert(journeyVersions).values({ journeyId: id, version, graph: graphFor(version), publishedAt: now }).run();
        tx.update(journeys).set({ liveVersion: version, status: 'live', updatedAt: now }).where(eq(journeys.id, id)).run();
        return version;
      });
    },
    async version(id, version) {
      return (
        d.select().from(journeyVersions).where(and(eq(journeyVersions.journeyId, id), eq(journeyVersions.version, version))).get() ?? null
      );
    },
    async versions(id) {
      return d.select().from(journeyVersions).where(eq(journeyVersions.journeyId, id)).orderBy(desc(journeyVersions.version)).all();
    },
    async setStatus(id, status, now) {
      localRevision++;
      const r = d.update(journeys).set({ status, updatedAt: now }).where(eq(journeys.id, id)).run();
      if (r.changes === 0) throw new ForesightError('not_found', `journey "${id}" does not exist`, { field: 'id' });
    },
    async revision() {
      const r = d.select({ m: max(journeys.updatedAt) }).from(journeys).get();
      return (r?.m ?? 0) * 1000 + localRevision;
    },
  };
}
