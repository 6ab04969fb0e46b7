/**
 * Engine benchmarks (not tests): the raw SQLite write ceiling, batched
 * ingest, event processing, and node steps through a 5-node journey.
 * Each measurement uses its own SQLite file in a temp folder.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { VirtualClock } from '../engine/core/clock.ts';
import { Engine } from '../engine/executor/engine.ts';
import { assertNoRejections, trackEvents } from '../engine/ingest/ingest.ts';
import { JourneyService } from '../engine/journeys.ts';
import { openSqlite, type SqliteStorage } from '../engine/storage/sqlite/index.ts';
import { builtinRegistry } from '../nodes/index.ts';

export interface BenchRow {
  name: string;
  /** Units done (rows, events, steps). */
  count: number;
  unit: string;
  seconds: number;
  /** count / seconds */
  rate: number;
  /**
   * count / CPU seconds this process spent on it: on a machine shared with other work the
   * wall-clock rate swings with the load, the rate per CPU second much less.
   */
  cpuRate?: number;
  note?: string;
}

export interface BenchOptions {
  rawRows?: number;
  ingestEvents?: number;
  ingestBatch?: number;
  stepCustomers?: number;
  batchSize?: number;
  /** Progress lines go here (stderr by default). */
  log?: (line: string) => void;
}

const START = Date.parse('2024-01-01T00:00:00Z');

function row(name: string, count: number, unit: string, t: { ms: number; cpuMs: number }, note?: string): BenchRow {
  const seconds = t.ms / 1000;
  return { name, count, unit, seconds, rate: count / seconds, cpuRate: count / (t.cpuMs / 1000), ...(note ? { note } : {}) };
}

const cpuMs = (since?: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; cpuMs: number; value: T }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = await fn();
  return { ms: performance.now() - t0, cpuMs: cpuMs(c0), value };
}

function timedSync(fn: () => void): { ms: number; cpuMs: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  fn();
  return { ms: performance.now() - t0, cpuMs: cpuMs(c0) };
}

/** (a) Raw better-sqlite3: N prepared INSERTs in one transaction, WAL + synchronous=NORMAL. */
export function rawCeiling(dir: string, n: number): BenchRow {
  const db = new Database(path.join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, type TEXT NOT NULL, properties TEXT NOT NULL, at INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO t (customer_id, type, properties, at) VALUES (?, ?, ?, ?)');
  const t = timedSync(() =>
    db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(i % 100_000, 'signup', '{}', START + i);
    })(),
  );
  db.close();
  return row('raw sqlite INSERT (1 txn)', n, 'rows', t, 'ceiling');
}

const exitJourney = {
  id: 'bench-enroll',
  name: 'Bench enroll',
  settings: { reentry: 'once', exitOn: [] },
  nodes: [
    { id: 'start', type: 'trigger.event', config: { event: 'signup', where: [] } },
    { id: 'done', type: 'flow.exit', config: { reason: 'done' } },
  ],
  edges: [{ id: 'e1', source: 'start', sourceHandle: 'next', target: 'done' }],
};

export const fiveNodeJourney = {
  id: 'bench-steps',
  name: 'Bench steps',
  settings: { reentry: 'once', exitOn: [] },
  nodes: [
    { id: 'start', type: 'trigger.event', config: { event: 'signup', where: [] } },
    { id: 'c1', type: 'condition.attribute', config: { attribute: 'plan', op: 'eq', value: 'pro' } },
    { id: 'wait', type: 'wait.delay', config: { duration: '1d' } },
    { id: 'c2', type: 'condition.attribute', config: { attribute: 'country', op: 'exists' } },
    { id: 'done', type: 'flow.exit', config: { reason: 'done' } },
  ],
  edges: [
    { id: 'e1', source: 'start', sourceHandle: 'next', target: 'c1' },
    { id: 'e2', source: 'c1', sourceHandle: 'yes', target: 'wait' },
    { id: 'e3', source: 'c1', sourceHandle: 'no', target: 'wait' },
    { id: 'e4', source: 'wait', sourceHandle: 'next', target: 'c2' },
    { id: 'e5', source: 'c2', sourceHandle: 'yes', target: 'done' },
    { id: 'e6', source: 'c2', sourceHandle: 'no', target: 'done' },
  ],
};

function setup(dir: string, name: string, batchSize: number) {
  const storage: SqliteStorage = openSqlite(path.join(dir, name));
  const clock = new VirtualClock(START);
  const registry = builtinRegistry();
  const engine = new Engine({ storage, registry, clock, batchSize });
  const journeys = new JourneyService(storage, registry, clock);
  return { storage, clock, engine, journeys };
}

async function createCustomers(storage: SqliteStorage, n: number): Promise<void> {
  for (let i = 0; i < n; i += 10_000) {
    const ids = Array.from({ length: Math.min(10_000, n - i) }, (_, k) => `c${i + k}`);
    await storage.customers.resolve(ids, START, true);
  }
}

function signups(from: number, n: number, customers: number) {
  return Array.from({ length: n }, (_, k) => ({ customerId: `c${(from + k) % customers}`, type: 'signup', properties: { source: 'bench' } }));
}

async function drainEvents(engine: Engine): Promise<void> {
  while ((await engine.processEvents()) > 0);
}

/** (b) trackEvents in batches, then processing with no matching journey and with an enrolling one. */
export async function ingestBench(dir: string, events: number, batch: number, batchSize: number, log: (s: string) => void): Promise<BenchRow[]> {
  const { storage, engine, clock, journeys } = setup(dir, 'ingest.db', batchSize);
  try {
    await createCustomers(storage, events);
    log(`ingest: ${events} customers created`);
    const track = await timed(async () => {
      for (let i = 0; i < events; i += batch) assertNoRejections(await trackEvents(storage, clock, signups(i, Math.min(batch, events - i), events)));
    });
    log(`ingest: tracked ${events} events in ${track.ms.toFixed(0)} ms`);
    const idle = await timed(() => drainEvents(engine));
    if (engine.stats.eventsProcessed !== events) throw new Error(`expected ${events} events processed, got ${engine.stats.eventsProcessed}`);
    log(`ingest: processed (no journey) in ${idle.ms.toFixed(0)} ms`);

    await journeys.deploy(exitJourney);
    engine.catalog.invalidate();
    for (let i = 0; i < events; i += batch) assertNoRejections(await trackEvents(storage, clock, signups(i, Math.min(batch, events - i), events)));
    const before = { ...engine.stats };
    const enroll = await timed(() => drainEvents(engine));
    const enrolled = engine.stats.runsEnrolled - before.runsEnrolled;
    if (enrolled !== events) throw new Error(`expected ${events} enrolments, got ${enrolled}`);
    log(`ingest: processed (enrolling) in ${enroll.ms.toFixed(0)} ms`);
    return [
      row(`trackEvents (batches of ${batch})`, events, 'events', track),
      row('processEvents, no journey', events, 'events', idle),
      row('processEvents, enrolling', events, 'events', enroll, `${engine.stats.steps - before.steps} steps`),
    ];
  } finally {
    await storage.close();
  }
}

/** (c) Node steps through trigger → condition → wait 1d → condition → exit. */
export async function stepsBench(dir: string, customers: number, batchSize: number, log: (s: string) => void): Promise<BenchRow[]> {
  const { storage, engine, clock, journeys } = setup(dir, 'steps.db', batchSize);
  try {
    await journeys.deploy(fiveNodeJourney);
    for (let i = 0; i < customers; i += 10_000) assertNoRejections(await trackEvents(storage, clock, signups(i, Math.min(10_000, customers - i), customers)));
    log(`steps: ${customers} signups stored`);
    const enroll = await timed(() => drainEvents(engine));
    const enrollSteps = engine.stats.steps;
    log(`steps: enrolled in ${enroll.ms.toFixed(0)} ms (${enrollSteps} steps)`);
    clock.advance(86_400_000 + 1);
    const wake = await timed(async () => {
      while ((await engine.processDue()) > 0);
    });
    const wakeSteps = engine.stats.steps - enrollSteps;
    log(`steps: woke in ${wake.ms.toFixed(0)} ms (${wakeSteps} steps)`);
    const done = (await storage.runs.countByStatus('bench-steps')).completed ?? 0;
    if (done !== customers) throw new Error(`expected ${customers} completed runs, got ${done}`);
    return [
      row('node steps: enroll phase', enrollSteps, 'steps', enroll, `${customers} runs`),
      row('node steps: wake phase', wakeSteps, 'steps', wake),
      row('node steps: overall', enrollSteps + wakeSteps, 'steps', { ms: enroll.ms + wake.ms, cpuMs: enroll.cpuMs + wake.cpuMs }),
    ];
  } finally {
    await storage.close();
  }
}

export async function runEngineBench(opts: BenchOptions = {}): Promise<BenchRow[]> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const batchSize = opts.batchSize ?? 5000;
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-bench-'));
  try {
    const rows: BenchRow[] = [rawCeiling(dir, opts.rawRows ?? 1_000_000)];
    log(`raw: ${rows[0]!.rate.toFixed(0)} rows/s`);
    rows.push(...(await ingestBench(dir, opts.ingestEvents ?? 200_000, opts.ingestBatch ?? 10_000, batchSize, log)));
    rows.push(...(await stepsBench(dir, opts.stepCustomers ?? 100_000, batchSize, log)));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
