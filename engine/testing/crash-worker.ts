/**
 * Crash-test child: `node --import tsx crash-worker.ts <dbfile|postgres-url> <startMs> [leaseMs] [batchSize] [pauseMs]`.
 * Opens the database, runs an engine on a virtual clock and processes events
 * and due runs until nothing is left, printing a progress line per batch.
 * The clock starts past every lease a killed predecessor left behind, and
 * jumps forward (to the next wake, or by one lease) whenever it is idle.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { VirtualClock } from '../core/clock.ts';
import { Engine } from '../executor/engine.ts';
import { openStorage } from '../storage/open.ts';
import { testSql } from './sql.ts';
import { testRegistry } from './test-nodes.ts';

const [target, startArg, leaseArg, batchArg, pauseArg] = process.argv.slice(2);
if (!target || !startArg) {
  console.error('usage: crash-worker.ts <dbfile|postgres-url> <startMs> [leaseMs] [batchSize] [pauseMs]');
  process.exit(2);
}
const leaseMs = Number(leaseArg ?? 1000);
const batchSize = Number(batchArg ?? 200);
const pauseMs = Number(pauseArg ?? 0);

const storage = await openStorage(target);
const sql = testSql(storage);
const latest = (await sql.value(
  `SELECT MAX(t) FROM (
     SELECT MAX(expires) AS t FROM event_claims UNION ALL SELECT MAX(lease_expires) FROM runs UNION ALL SELECT MAX(updated_at) FROM runs
   ) AS leases`,
)) as number | null;
const clock = new VirtualClock(Math.max(Number(startArg), (latest ?? 0) + 1));
const engine = new Engine({ storage, registry: testRegistry(), clock, batchSize, leaseMs });

const report = async (phase: string) => {
  const processed = await sql.value('SELECT COUNT(*) FROM events WHERE processed = 1');
  const completed = await sql.value(`SELECT COUNT(*) FROM runs WHERE status = 'completed'`);
  console.log(`progress phase=${phase} events=${String(processed)} completed=${String(completed)} clock=${clock.now().getTime()}`);
};

console.log(`started clock=${clock.now().getTime()} pid=${process.pid}`);
for (;;) {
  const e = await engine.processEvents();
  if (e) await report('events');
  const d = e ? 0 : await engine.processDue();
  if (d) await report('due');
  if (e || d) {
    if (pauseMs) await sleep(pauseMs);
    continue;
  }
  const next = await storage.runs.nextWakeAt();
  const pending = await storage.events.unprocessedCount();
  if (next === null && pending === 0) break;
  const now = clock.now().getTime();
  // Idle: jump to the next wake, or past a lease left by a killed predecessor.
  clock.set(next !== null && next > now ? next : now + leaseMs);
}
await report('done');
console.log(`done conflicts=${engine.stats.conflicts}`);
await storage.close();
