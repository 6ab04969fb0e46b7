/**
 * One benchmark worker process: `tsx bench/pg-worker.ts <postgres-url> <clockMs> <batchSize>`.
 * Prints `ready`, waits for a line on stdin (so process start-up is not timed), then drains
 * events and due runs at that virtual time and prints `done steps=N`.
 */
import { createInterface } from 'node:readline';
import { VirtualClock } from '../engine/core/clock.ts';
import { Engine } from '../engine/executor/engine.ts';
import { openPostgres } from '../engine/storage/postgres/index.ts';
import { builtinRegistry } from '../nodes/index.ts';

const [url, clockArg, batchArg] = process.argv.slice(2);
const storage = await openPostgres(url!);
const engine = new Engine({ storage, registry: builtinRegistry(), clock: new VirtualClock(Number(clockArg)), batchSize: Number(batchArg ?? 2000) });
await engine.catalog.refresh();
console.log('ready');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
// Another worker may hold a batch a moment longer: stop only when a few rounds in a row find nothing.
for (let idle = 0; idle < 3; ) {
  const n = (await engine.processEvents()) + (await engine.processDue());
  idle = n === 0 ? idle + 1 : 0;
  if (n === 0) await new Promise((r) => setTimeout(r, 20));
}
console.log(`done steps=${engine.stats.steps} conflicts=${engine.stats.conflicts}`);
await storage.close();
