/**
 * PostgreSQL benchmarks (not tests): the raw write ceiling of the server measured in the same
 * run (prepared single-row INSERTs in one transaction, and multi-row INSERTs), batched ingest,
 * and node steps with 1, 2 and 4 worker processes sharing one database.
 * Uses FORESIGHT_BENCH_PG_URL when set, else a throwaway cluster (engine/testing/postgres.ts).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { VirtualClock } from '../engine/core/clock.ts';
import { assertNoRejections, trackEvents } from '../engine/ingest/ingest.ts';
import { JourneyService } from '../engine/journeys.ts';
import { openPostgres } from '../engine/storage/postgres/index.ts';
import { createTestDatabase, pgBinDir, prepareTemplate, startTestCluster, type TestCluster } from '../engine/testing/postgres.ts';
import { builtinRegistry } from '../nodes/index.ts';
import { fiveNodeJourney, type BenchRow } from './engine.bench.ts';

const WORKER = fileURLToPath(new URL('./pg-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const START = Date.parse('2024-01-01T00:00:00Z');
const DAY = 86_400_000;

const row = (name: string, count: number, unit: string, ms: number, note?: string): BenchRow => ({ name, count, unit, seconds: ms / 1000, rate: count / (ms / 1000), ...(note ? { note } : {}) });

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** The server's own ceiling: one prepared INSERT per row in one transaction, then 1,000-row multi-row INSERTs. */
async function rawCeiling(url: string, rows: number): Promise<BenchRow[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE TABLE raw_t (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, type text NOT NULL, properties jsonb NOT NULL, at bigint NOT NULL)');
    const single = Math.min(rows, 100_000);
    const singleMs = await timed(async () => {
      await c.query('BEGIN');
      for (let i = 0; i < single; i++) await c.query({ name: 'raw_insert', text: 'INSERT INTO raw_t (customer_id, type, properties, at) VALUES ($1, $2, $3, $4)', values: [i % 100_000, 'signup', '{}', START + i] });
      await c.query('COMMIT');
    });
    const multiMs = await timed(async () => {
      await c.query('BEGIN');
      for (let i = 0; i < rows; i += 1000) {
        const n = Math.min(1000, rows - i);
        const ids = Array.from({ length: n }, (_, k) => (i + k) % 100_000);
        await c.query(
          `INSERT INTO raw_t (customer_id, type, properties, at) SELECT c, 'signup', '{}', $2 + c FROM unnest($1::int8[]) AS u(c)`,
          [ids, START],
        );
      }
      await c.query('COMMIT');
    });
    return [row('raw postgres INSERT, prepared, 1 row each (1 txn)', single, 'rows', singleMs, 'ceiling'), row('raw postgres multi-row INSERT (1,000 rows each)', rows, 'rows', multiMs, 'ceiling')];
  } finally {
    await c.end();
  }
}

interface Child {
  ready: Promise<void>;
  done: Promise<number>;
  go(): void;
}

function worker(url: string, clockMs: number, batchSize: number): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, url, String(clockMs), String(batchSize)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  let readyFn: () => void;
  let doneFn: (steps: number) => void;
  const ready = new Promise<void>((r) => (readyFn = r));
  const done = new Promise<number>((r) => (doneFn = r));
  lines.on('line', (l) => {
    if (l === 'ready') readyFn();
    const m = /^done steps=(\d+)/.exec(l);
    if (m) doneFn(Number(m[1]));
  });
  return { ready, done, go: () => child.stdin!.write('go\n') };
}

/** Runs `n` worker processes at one virtual time until no work is left; returns steps and wall time from "go". */
async function drainWith(url: string, n: number, clockMs: number, batchSize: number): Promise<{ steps: number; ms: number }> {
  const ws = Array.from({ length: n }, () => worker(url, clockMs, batchSize));
  await Promise.all(ws.map((w) => w.ready));
  const t0 = performance.now();
  for (const w of ws) w.go();
  const steps = (await Promise.all(ws.map((w) => w.done))).reduce((a, b) => a + b, 0);
  return { steps, ms: performance.now() - t0 };
}

async function stepsWith(serverUrl: string, workers: number, customers: number, batchSize: number, log: (s: string) => void): Promise<BenchRow> {
  const { url, drop } = await createTestDatabase(serverUrl);
  const storage = await openPostgres(url);
  try {
    const clock = new VirtualClock(START);
    await new JourneyService(storage, builtinRegistry(), clock).deploy(fiveNodeJourney);
    for (let i = 0; i < customers; i += 10_000) {
      const n = Math.min(10_000, customers - i);
      assertNoRejections(await trackEvents(storage, clock, Array.from({ length: n }, (_, k) => ({ customerId: `c${i + k}`, type: 'signup' }))));
    }
    const enroll = await drainWith(url, workers, START, batchSize);
    const wake = await drainWith(url, workers, START + DAY + 1, batchSize);
    const done = (await storage.runs.countByStatus('bench-steps')).completed ?? 0;
    if (done !== customers) throw new Error(`expected ${customers} completed runs, got ${done}`);
    const steps = enroll.steps + wake.steps;
    log(`postgres steps: ${workers} worker(s): ${steps} steps in ${(enroll.ms + wake.ms).toFixed(0)} ms`);
    return row(`node steps: ${workers} worker process${workers > 1 ? 'es' : ''}`, steps, 'steps', enroll.ms + wake.ms, `${customers} runs`);
  } finally {
    await storage.close();
    await drop();
  }
}

async function ingest(serverUrl: string, events: number, batch: number): Promise<BenchRow> {
  const { url, drop } = await createTestDatabase(serverUrl);
  const storage = await openPostgres(url);
  try {
    const clock = new VirtualClock(START);
    const ids = Array.from({ length: events }, (_, i) => `c${i}`);
    for (let i = 0; i < events; i += 10_000) await storage.customers.resolve(ids.slice(i, i + 10_000), START, true);
    const ms = await timed(async () => {
      for (let i = 0; i < events; i += batch) {
        assertNoRejections(await trackEvents(storage, clock, ids.slice(i, i + batch).map((customerId) => ({ customerId, type: 'signup', properties: { source: 'bench' } }))));
      }
    });
    return row(`trackEvents (batches of ${batch.toLocaleString('en')})`, events, 'events', ms);
  } finally {
    await storage.close();
    await drop();
  }
}

export async function runPostgresBench(opts: { rawRows: number; ingestEvents: number; stepCustomers: number; batchSize?: number; log?: (s: string) => void }): Promise<BenchRow[] | null> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  let cluster: TestCluster | null = null;
  let url = process.env.FORESIGHT_BENCH_PG_URL || null;
  if (!url) {
    const bin = pgBinDir();
    if (!bin) {
      log('postgres bench skipped: no PostgreSQL server binary found and FORESIGHT_BENCH_PG_URL is not set');
      return null;
    }
    cluster = await startTestCluster(bin);
    url = cluster.url;
  }
  try {
    await prepareTemplate(url);
    const { url: rawUrl, drop } = await createTestDatabase(url);
    const rows = await rawCeiling(rawUrl, opts.rawRows).finally(drop);
    log(`postgres raw: ${rows.map((r) => `${r.rate.toFixed(0)} rows/s`).join(', ')}`);
    rows.push(await ingest(url, opts.ingestEvents, 10_000));
    for (const w of [1, 2, 4]) rows.push(await stepsWith(url, w, opts.stepCustomers, opts.batchSize ?? 2000, log));
    return rows;
  } finally {
    cluster?.stop();
  }
}
