import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { fileURLToPath } from 'node:url';
import { ForesightError, errorMessage } from '../../core/errors.ts';
import type { Storage } from '../types.ts';
import { sqliteAuth } from './auth.ts';
import { sqliteProducts, sqliteSettings } from './catalog.ts';
import { sqliteCustomers } from './customers.ts';
import { sqliteEvents } from './events.ts';
import { sqliteJourneys } from './journeys.ts';
import { sqliteAnalytics } from './analytics.ts';
import { sqliteKpis } from './kpis.ts';
import { sqliteLift } from './lift.ts';
import { sqliteSendLog, sqliteSuppressions } from './messaging.ts';
import { sqliteModels } from './models.ts';
import { sqliteOrders } from './orders.ts';
import { sqliteOps } from './ops.ts';
import { sqliteOutbox } from './outbox.ts';
import { sqlitePrivacy } from './privacy.ts';
import { sqliteRetention } from './retention.ts';
import { sqliteRunMoves } from './run-moves.ts';
import { sqliteRuns } from './runs.ts';
import { sqliteScores, sqliteSegments } from './scores.ts';
import { sqliteSegmentMembers } from './segment-members.ts';
import { sqliteSegmentReads } from './segment-reads.ts';

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

export interface SqliteStorage extends Storage {
  /** The underlying handle, for benchmarks measuring the raw ceiling. Not for engine code. */
  readonly raw: Database.Database;
}

/** Opens (creating if needed) a SQLite database file and applies the checked-in migrations. */
export function openSqlite(file: string): SqliteStorage {
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (err) {
    throw new ForesightError('database_open_failed', `database: cannot open "${file}": ${errorMessage(err)}; check the path and its folder's permissions`, { field: 'database', cause: err });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('cache_size = -65536');
  // Freed and overwritten content is zeroed on disk: an erased customer must not stay readable in the file.
  db.pragma('secure_delete = ON');
  const d = drizzle(db);
  migrate(d, { migrationsFolder: MIGRATIONS });
  return {
    dialect: 'sqlite',
    raw: db,
    customers: sqliteCustomers(db),
    events: sqliteEvents(db),
    orders: sqliteOrders(db),
    journeys: sqliteJourneys(d),
    runs: sqliteRuns(db),
    outbox: sqliteOutbox(db),
    scores: sqliteScores(d, db),
    segments: sqliteSegments(d),
    auth: sqliteAuth(d),
    privacy: sqlitePrivacy(db),
    ops: sqliteOps(db),
    retention: sqliteRetention(db),
    suppressions: sqliteSuppressions(db),
    sends: sqliteSendLog(db),
    models: sqliteModels(db),
    segmentMembers: sqliteSegmentMembers(db),
    segmentReads: sqliteSegmentReads(db),
    kpis: sqliteKpis(db),
    lift: sqliteLift(db),
    runMoves: sqliteRunMoves(db),
    analytics: sqliteAnalytics(db),
    settings: sqliteSettings(db),
    products: sqliteProducts(db),
    async close() {
      if (db.open) db.close();
    },
  };
}
