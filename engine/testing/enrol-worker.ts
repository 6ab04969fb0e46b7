/**
 * Two-engine test child: `node --import tsx enrol-worker.ts <dbfile> <clockStartMs> <goAtWallMs> [leaseMs] [batchSize]`.
 * Opens the database, waits for the shared start signal (a wall-clock time, so two
 * children start their batches together), then processes events until none is left.
 * When idle with events still unprocessed (claimed by a refused or a slower batch),
 * its virtual clock jumps past the lease so they are claimed again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { VirtualClock } from '../core/clock.ts';
import { Engine } from '../executor/engine.ts';
import { openSqlite } from '../storage/sqlite/index.ts';
import { builtinRegistry } from '../../nodes/index.ts';

const [file, startArg, goArg, leaseArg, batchArg] = process.argv.slice(2);
if (!file || !startArg || !goArg) {
  console.error('usage: enrol-worker.ts <dbfile> <clockStartMs> <goAtWallMs> [leaseMs] [batchSize]');
  process.exit(2);
}
const leaseMs = Number(leaseArg ?? 1000);
const storage = openSqlite(file);
const clock = new VirtualClock(Number(startArg));
const engine = new Engine({ storage, registry: builtinRegistry(), clock, batchSize: Number(batchArg ?? 3000), leaseMs });

// The start signal is real time on purpose: it lines up two processes.
await sleep(Math.max(0, Number(goArg) - Date.now()));
for (;;) {
  if ((await engine.processEvents()) > 0) continue;
  if ((await storage.events.unprocessedCount()) === 0) break;
  clock.advance(leaseMs + 1);
  await sleep(20);
}
console.log(`done enrolled=${engine.stats.runsEnrolled} conflicts=${engine.stats.conflicts}`);
await storage.close();
