/**
 * Delivery crash-test child: `node --import tsx delivery-crash-worker.ts <dbfile> <smtpUrl> <startMs> <leaseMs> <lanes>`.
 * Delivers the outbox over real SMTP until nothing is due, printing a progress line per batch.
 * Its virtual clock starts past every lease a killed predecessor left, so those are recovered first.
 */
import { builtinRegistry } from '../../nodes/index.ts';
import { VirtualClock } from '../core/clock.ts';
import { Engine } from '../executor/engine.ts';
import { openSqlite } from '../storage/sqlite/index.ts';

const [file, smtpUrl, startArg, leaseArg, lanesArg] = process.argv.slice(2);
if (!file || !smtpUrl || !startArg || !leaseArg || !lanesArg) {
  console.error('usage: delivery-crash-worker.ts <dbfile> <smtpUrl> <startMs> <leaseMs> <lanes>');
  process.exit(2);
}
const storage = openSqlite(file);
const latest = storage.raw.prepare('SELECT MAX(lease_expires) FROM outbox').pluck().get() as number | null;
const clock = new VirtualClock(Math.max(Number(startArg), (latest ?? 0) + 1));
const registry = builtinRegistry({ smtpUrl, mailFrom: 'shop@shop.example', publicUrl: 'http://127.0.0.1:1', secret: 'a-crash-test-secret-that-is-long-enough-0123' });
const engine = new Engine({ storage, registry, clock, leaseMs: Number(leaseArg), deliveryLanes: Number(lanesArg) });

console.log(`started pid=${process.pid}`);
while (await engine.dispatchOutbox()) console.log(`progress sends=${engine.stats.sends}`);
console.log('done');
await storage.close();
process.exit(0);
