import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { AuthService } from '../engine/auth/service.ts';
import { loadConfig } from '../engine/config.ts';
import { VirtualClock } from '../engine/core/clock.ts';
import { startServer } from '../engine/server.ts';
import { openSqlite } from '../engine/storage/sqlite/index.ts';
import type { BenchRow } from './engine.bench.ts';

/**
 * The tracking API over real HTTP on loopback: /api/batch throughput
 * (10,000-item requests, JSON parse + validation + storage) and single
 * /api/track requests one after another (the per-request floor).
 */
export async function runApiBench(opts: { batchItems: number; singles: number }): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-apibench-'));
  const storage = openSqlite(path.join(dir, 'bench.db'));
  const clock = new VirtualClock('2024-01-01T00:00:00Z');
  const config = loadConfig({ PORT: '0' });
  const server = await startServer({ config, storage, clock, host: '127.0.0.1', logger: pino({ level: 'silent' }), builderDir: null, scheduler: false, limits: { ingestPerSecond: 0 } });
  const { key } = await new AuthService(storage, clock).createApiKey('bench', 'track');
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const post = async (url: string, body: unknown) => {
    const res = await fetch(server.url + url, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  try {
    const rows: BenchRow[] = [];
    const size = 10_000;
    let t = performance.now();
    for (let done = 0; done < opts.batchItems; done += size) {
      const batch = Array.from({ length: Math.min(size, opts.batchItems - done) }, (_, i) => ({ kind: 'track', customerId: `c${(done + i) % 50_000}`, type: 'page_view', properties: { url: `/p/${i % 100}` }, idempotencyKey: `b-${done + i}` }));
      await post('/api/batch', { batch });
    }
    let s = (performance.now() - t) / 1000;
    rows.push({ name: 'HTTP /api/batch (10k items/request)', count: opts.batchItems, unit: 'events', seconds: s, rate: opts.batchItems / s });
    t = performance.now();
    for (let i = 0; i < opts.singles; i++) await post('/api/track', { customerId: `s${i % 1000}`, type: 'page_view' });
    s = (performance.now() - t) / 1000;
    rows.push({ name: 'HTTP /api/track (one request each, sequential)', count: opts.singles, unit: 'requests', seconds: s, rate: opts.singles / s });
    return rows;
  } finally {
    await server.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
