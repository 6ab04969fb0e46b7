/**
 * KPI benchmark (not a test): the KPI page's aggregates over 100,000 customers and
 * 1,000,000 orders (plus NPS answers and lifecycle labels) on a SQLite file.
 * Run: npx tsx bench/kpis.bench.ts [customers] [orders]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cohortTable, periodKpis, splitKpis } from '../engine/kpis/index.ts';
import { openSqlite } from '../engine/storage/sqlite/index.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2024-06-01T00:00:00Z');
const STAGES = ['new', 'repeat', 'at-risk', 'lapsed'];

async function main(customers: number, orders: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-kpibench-'));
  const storage = openSqlite(path.join(dir, 'bench.db'));
  try {
    let t = performance.now();
    const ids = await storage.customers.upsert(Array.from({ length: customers }, (_, i) => ({ externalId: `c${i}` })), NOW - 800 * DAY);
    const BATCH = 50_000;
    for (let from = 0; from < orders; from += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, orders - from) }, (_, k) => {
        const i = from + k;
        // A spread over two years; customer picked by a multiplicative hash so order counts vary.
        return { customerId: ids[(i * 2654435761) % customers]!, orderId: `o${i}`, orderedAt: NOW - ((i * 7919) % 730) * DAY, amount: 10 + (i % 97) };
      });
      await storage.orders.insert(batch);
    }
    await storage.scores.put(ids.map((id, i) => ({ customerId: id, model: 'lifecycle', value: null, data: { stage: STAGES[i % 4] }, modelVersion: 'bench', scoredAt: NOW })));
    const nps = Array.from({ length: customers / 10 }, (_, i) => ({ customerId: ids[i * 10]!, type: 'nps', properties: { score: i % 11 }, occurredAt: NOW - (i % 60) * DAY, processed: true }));
    for (let i = 0; i < nps.length; i += 10_000) await storage.events.insert(nps.slice(i, i + 10_000), NOW);
    console.log(`loaded ${customers.toLocaleString('en-US')} customers, ${orders.toLocaleString('en-US')} orders in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const period = { from: NOW - 30 * DAY, to: NOW };
    const time = async (name: string, fn: () => Promise<unknown>) => {
      const start = performance.now();
      await fn();
      console.log(`${name}: ${((performance.now() - start) / 1000).toFixed(2)} s`);
    };
    t = performance.now();
    await time('all KPIs of one period (orders, NPS, email, predicted CLV)', () => periodKpis(storage, period));
    await time('comparison period', () => periodKpis(storage, { from: NOW - 60 * DAY, to: NOW - 30 * DAY }));
    await time('split by lifecycle stage', () => splitKpis(storage, period, 'lifecycle'));
    await time('cohort table, 12 months', () => cohortTable(storage, { from: Date.parse('2023-06-01T00:00:00Z'), to: NOW }, 'UTC'));
    console.log(`KPI page total (as GET /api/kpis?split=lifecycle computes it, sequentially): ${((performance.now() - t) / 1000).toFixed(2)} s`);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main(Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 1_000_000));
