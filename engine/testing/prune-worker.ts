/**
 * Crash-test child for retention: `node --import tsx prune-worker.ts <dbfile|postgres-url> <nowMs> <maxAgeMs> <batch>`.
 * Prunes with tiny windows, printing a progress line and pausing after each, so
 * the parent can SIGKILL it mid-prune.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { VirtualClock } from '../core/clock.ts';
import { pruneExpired } from '../jobs/retention.ts';
import { openStorage } from '../storage/open.ts';

const [target, nowArg, ageArg, batchArg] = process.argv.slice(2);
if (!target || !nowArg || !ageArg || !batchArg) {
  console.error('usage: prune-worker.ts <dbfile|postgres-url> <nowMs> <maxAgeMs> <batch>');
  process.exit(2);
}
const storage = await openStorage(target);
const done = await pruneExpired(storage, new VirtualClock(Number(nowArg)), Number(ageArg), {
  batch: Number(batchArg),
  onWindow: async (r) => {
    console.log(`progress history=${r.history} events=${r.events}`);
    await sleep(2);
  },
});
console.log(`done history=${done.history} events=${done.events}`);
await storage.close();
