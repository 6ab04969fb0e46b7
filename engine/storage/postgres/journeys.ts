import { ForesightError } from '../../core/errors.ts';
import type { JourneyRecord, JourneyStore, JourneyVersionRecord } from '../types.ts';
import type { Db } from './db.ts';

const JOURNEY = 'id, name, status, draft, live_version AS "liveVersion", created_at AS "createdAt", updated_at AS "updatedAt"';
const VERSION = 'journey_id AS "journeyId", version, graph, published_at AS "publishedAt"';

export function pgJourneys(db: Db): JourneyStore {
  // Bumped in-process on every change, plus the max updated_at, so other processes' changes show too.
  let localRevision = 0;
  const get = async (id: string) => (await db.query<JourneyRecord>(`SELECT ${JOURNEY} FROM journeys WHERE id = $1`, [id]))[0] ?? null;
  return {
    async saveDraft({ id, name, draft }, now) {
      localRevision++;
      const [r] = await db.query<JourneyRecord>(
        `INSERT INTO journeys (id, name, draft, status, created_at, updated_at) VALUES ($1, $2, $3, 'draft', $4, $4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, draft = excluded.draft, updated_at = excluded.updated_at RETURNING ${JOURNEY}`,
        [id, name, JSON.stringify(draft), now],
      );
      return r!;
    },
    get,
    async list() {
      return db.query<JourneyRecord>(`SELECT ${JOURNEY} FROM journeys ORDER BY name`);
    },
    async publish(id, graphFor, now) {
      localRevision++;
      return db.tx(async (q) => {
        // The journey row's lock orders concurrent publishes: version numbers never collide.
        const [j] = await q('SELECT id FROM journeys WHERE id = $1 FOR UPDATE', [id]);
        if (!j) throw new ForesightError('not_found', `journey "${id}" does not exist`, { field: 'id' });
        const [last] = await q<{ v: number | null }>('SELECT MAX(version) AS v FROM journey_versions WHERE journey_id = $1', [id]);
        const version = (last?.v ?? 0) + 1;
        await q('INSERT INTO journey_versions (journey_id, version, graph, published_at) VALUES ($1, $2, $3, $4)', [id, version, JSON.stringify(graphFor(version)), now]);
        await q(`UPDATE journeys SET live_version = $2, status = 'live', updated_at = $3 WHERE id = $1`, [id, version, now]);
        return version;
      });
    },
    async version(id, version) {
      return (await db.query<JourneyVersionRecord>(`SELECT ${VERSION} FROM journey_versions WHERE journey_id = $1 AND version = $2`, [id, version]))[0] ?? null;
    },
    async versions(id) {
      return db.query<JourneyVersionRecord>(`SELECT ${VERSION} FROM journey_versions WHERE journey_id = $1 ORDER BY version DESC`, [id]);
    },
    async setStatus(id, status, now) {
      localRevision++;
      const rows = await db.query('UPDATE journeys SET status = $2, updated_at = $3 WHERE id = $1 RETURNING id', [id, status, now]);
      if (rows.length === 0) throw new ForesightError('not_found', `journey "${id}" does not exist`, { field: 'id' });
    },
    async revision() {
      const [r] = await db.query<{ m: number | null }>('SELECT MAX(updated_at) AS m FROM journeys');
      return (r?.m ?? 0) * 1000 + localRevision;
    },
  };
}
