/**
 * Segment benchmarks (not tests): evaluating a nested definition over stored
 * customers (count, the API's segment count) and a full membership refresh
 * (the 15-minute job), on a SQLite file in a temp folder.
 * Run: npx tsx bench/segments.bench.ts [customers]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { VirtualClock } from '../engine/core/clock.ts';
import { refreshSegments } from '../engine/jobs/segment-refresh.ts';
import { SegmentService, type SegmentCondition } from '../engine/segments/index.ts';
import { openSqlite } from '../engine/storage/sqlite/index.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2024-06-01T00:00:00Z');

const definition: SegmentCondition = {
  all: [
    { attribute: 'country', op: 'ne', value: 'US' },
    { any: [{ event: 'viewed_category', where: [{ path: 'category', op: 'eq', value: 'shoes' }], within: '30d', op: 'gte', value: 2 }, { orders: 'total', op: 'gte', value: 150 }] },
    { not: { lifecycle: ['lapsed'] } },
  ],
};

async function main(customers: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-segbench-'));
  const storage = openSqlite(path.join(dir, 'bench.db'));
  try {
    const ids = await storage.customers.upsert(
      Array.from({ length: customers }, (_, i) => ({ externalId: `c${i}`, attributes: { country: ['DE', 'FR', 'US'][i % 3] } })),
      NOW - 400 * DAY,
    );
    const events = ids.flatMap((id, i) => Array.from({ length: 6 }, (_, k) => ({ customerId: id, type: 'viewed_category', properties: { category: k % 2 ? 'shoes' : 'hats' }, occurredAt: NOW - ((i + k * 11) % 60) * DAY, processed: true })));
    for (let i = 0; i < events.length; i += 10_000) await storage.events.insert(events.slice(i, i + 10_000), NOW);
    await storage.orders.insert(ids.flatMap((id, i) => [0, 1].map((k) => ({ customerId: id, orderId: `o${i}-${k}`, orderedAt: NOW - (i % 90 + k * 30) * DAY, amount: 20 + (i % 13) * 10 }))));
    await storage.scores.put(ids.map((id, i) => ({ customerId: id, model: 'lifecycle', value: null, data: { stage: i % 5 === 0 ? 'lapsed' : 'repeat' }, modelVersion: 'bench', scoredAt: NOW })));

    const service = new SegmentService(storage);
    let t = performance.now();
    const n = await service.count(definition, new Date(NOW));
    let s = (performance.now() - t) / 1000;
    console.log(`count: ${customers} customers in ${s.toFixed(2)} s = ${Math.round(customers / s)} customers/s (${n} members)`);

    await storage.segments.save({ name: 'bench', definition }, NOW);
    t = performance.now();
    const r = await refreshSegments(storage, new VirtualClock(NOW));
    s = (performance.now() - t) / 1000;
    console.log(`refresh (first, ${r.entered} entries written): ${s.toFixed(2)} s = ${Math.round(customers / s)} customers/s`);
    t = performance.now();
    await refreshSegments(storage, new VirtualClock(NOW));
    s = (performance.now() - t) / 1000;
    console.log(`refresh (no change): ${s.toFixed(2)} s = ${Math.round(customers / s)} customers/s`);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main(Number(process.argv[2] ?? 5000));
