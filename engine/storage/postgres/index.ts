import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { fileURLToPath } from 'node:url';
import { ForesightError, errorMessage } from '../../core/errors.ts';
import type { Storage } from '../types.ts';
import { pgProducts, pgSettings } from './catalog.ts';
import { pgAuth } from './auth.ts';
import { pgCustomers } from './customers.ts';
import { createDb, type Db, type PgOptions } from './db.ts';
import { pgEvents } from './events.ts';
import { pgJourneys } from './journeys.ts';
import { pgKpis } from './kpis.ts';
import { pgLift } from './lift.ts';
import { pgAnalytics } from './analytics.ts';
import { pgJobLeases, type JobLeaseStore } from './job-leases.ts';
import { pgSendLog, pgSuppressions } from './messaging.ts';
import { pgModels } from './models.ts';
import { pgRetention } from './retention.ts';
import { pgOps } from './ops.ts';
import { pgOrders } from './orders.ts';
import { pgOutbox } from './outbox.ts';
import { pgPrivacy } from './privacy.ts';
import { pgRunMoves } from './run-moves.ts';
import { pgRuns } from './runs.ts';
import { pgScores, pgSegments } from './scores.ts';
import { pgSegmentMembers } from './segment-members.ts';
import { pgSegmentReads } from './segment-reads.ts';
import { workListener } from './listen.ts';

export type { PgOptions } from './db.ts';

/*
 * Adding or changing a Storage method (the same on both backends):
 * 1. types.ts: the method; conformance.ts: a test of it (it runs on SQLite and PostgreSQL).
 * 2. sqlite/<store>.ts and postgres/<store>.ts: one file per store, same names. In SQL here: `$n`
 *    parameters, `= ANY($1::int8[])` for id lists (SQLite's json_each), `unnest($1::t[], …)` for
 *    batch writes (one statement per batch), `db.tx` for several statements in one transaction,
 *    `FOR UPDATE SKIP LOCKED` for claims. JSON columns are jsonb: pass JSON.stringify(value) and
 *    read objects back (the shared row mappers in ../sqlite/rows.ts accept both).
 * 3. A schema change: edit sqlite/schema.ts and postgres/schema.ts alike, then `npm run db:generate`
 *    and `npm run db:generate:pg` (drizzle.postgres.config.ts) and commit both migrations.
 */

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));
/** Session advisory lock held while migrating: workers starting together migrate once. */
const MIGRATION_LOCK = 0x46_4d_47; // "FMG"

export interface PostgresStorage extends Storage {
  readonly dialect: 'postgres';
  /** The connection pool and its retrying helpers, for benchmarks measuring the raw ceiling. Not for engine code. */
  readonly db: Db;
  /** Once-per-schedule claims of recurring jobs across the fleet. */
  readonly jobLeases: JobLeaseStore;
  /** Calls `fn` whenever any process inserts events or outbox entries (LISTEN/NOTIFY); returns the unsubscribe. */
  onWork(fn: () => void): () => void;
}

export const isPostgresUrl = (target: string): boolean => /^postgres(ql)?:\/\//i.test(target);

async function applyMigrations(db: Db, url: string): Promise<void> {
  let client;
  try {
    client = await db.pool.connect();
  } catch (err) {
    throw new ForesightError('database_open_failed', `database: cannot connect to ${redact(url)}: ${errorMessage(err)}; check that PostgreSQL runs there and the URL's user, password and database`, {
      field: 'database',
      cause: err,
    });
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

/** The URL without its password, for messages and logs. */
export const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

/** Connects to PostgreSQL and applies the checked-in migrations (once, whoever starts first). */
export async function openPostgres(url: string, opts: PgOptions = {}): Promise<PostgresStorage> {
  const db = createDb(url, opts);
  try {
    await applyMigrations(db, url);
  } catch (err) {
    await db.pool.end();
    throw err;
  }
  const listener = workListener(url, opts.onRetry ?? ((m) => console.error(m)));
  return {
    dialect: 'postgres',
    db,
    jobLeases: pgJobLeases(db),
    onWork: listener.subscribe,
    customers: pgCustomers(db),
    events: pgEvents(db),
    orders: pgOrders(db),
    journeys: pgJourneys(db),
    runs: pgRuns(db),
    outbox: pgOutbox(db),
    scores: pgScores(db),
    segments: pgSegments(db),
    auth: pgAuth(db),
    privacy: pgPrivacy(db),
    ops: pgOps(db),
    retention: pgRetention(db),
    suppressions: pgSuppressions(db),
    sends: pgSendLog(db),
    models: pgModels(db),
    segmentMembers: pgSegmentMembers(db),
    segmentReads: pgSegmentReads(db),
    kpis: pgKpis(db),
    lift: pgLift(db),
    runMoves: pgRunMoves(db),
    analytics: pgAnalytics(db),
    settings: pgSettings(db),
    products: pgProducts(db),
    async close() {
      await listener.close();
      await db.pool.end();
    },
  };
}

/**
 * Drops every Foresight table of the database (and the migration journal), then opens it
 * migrated and empty: what `foresight demo` does to recreate its database. Callers check
 * first that nothing but demo data is there.
 */
export async function resetPostgres(url: string, opts: PgOptions = {}): Promise<PostgresStorage> {
  const db = createDb(url, opts);
  try {
    await db.query('DROP SCHEMA IF EXISTS drizzle CASCADE');
    await db.query('DROP SCHEMA IF EXISTS public CASCADE');
    await db.query('CREATE SCHEMA public');
  } finally {
    await db.pool.end();
  }
  return openPostgres(url, opts);
}
