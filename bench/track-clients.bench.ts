import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { AuthService } from '../engine/auth/service.ts';
import { loadConfig } from '../engine/config.ts';
import { SystemClock } from '../engine/core/clock.ts';
import { JourneyService } from '../engine/journeys.ts';
import { startServer } from '../engine/server.ts';
import { openSqlite } from '../engine/storage/sqlite/index.ts';
import { builtinRegistry } from '../nodes/index.ts';
import { runChild } from './child.ts';
import type { BenchRow } from './engine.bench.ts';

/** The 4-node journey peers are compared on: an event starts it, two decisions, an exit. */
const journey = {
  id: 'four',
  name: 'Four nodes',
  settings: { reentry: 'always' },
  nodes: [
    { id: 'signup', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'pro', type: 'condition.attribute', config: { attribute: 'plan', op: 'eq', value: 'pro' } },
    { id: 'ab', type: 'split.ab', config: { variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] } },
    { id: 'done', type: 'flow.exit', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'signup', sourceHandle: 'next', target: 'pro' },
    { id: 'e2', source: 'pro', sourceHandle: 'yes', target: 'ab' },
    { id: 'e3', source: 'pro', sourceHandle: 'no', target: 'ab' },
    { id: 'e4', source: 'ab', sourceHandle: 'a', target: 'done' },
    { id: 'e5', source: 'ab', sourceHandle: 'b', target: 'done' },
  ],
};

/** Runs the load clients in a child process (bench/track-client.ts) and reads its one-line report. */
async function runClients(url: string, key: string, requests: number, clients: number): Promise<{ startedAt: number; seconds: number; p50: number; p99: number }> {
  return JSON.parse(await runChild('./track-client.ts', [url, key, String(requests), String(clients)]));
}

/**
 * `/api/track`, one event per request, from `clients` concurrent keep-alive
 * clients on ONE API key (a trusted key: rate limit 0), against a serve
 * process with its engine loop on the real clock; the clients run in a child
 * process, so the server's event loop is its own (the two still share the
 * machine's cores). Every event starts the 4-node journey; "journeys/s" counts
 * runs from the first request until the last run has completed.
 */
export async function runTrackClientsBench(opts: { requests: number; clients: number[] }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const clients of opts.clients) {
    const dir = mkdtempSync(path.join(tmpdir(), 'foresight-trackbench-'));
    const storage = openSqlite(path.join(dir, 'bench.db'));
    const clock = new SystemClock();
    const registry = builtinRegistry();
    await new JourneyService(storage, registry, clock).deploy(journey);
    const server = await startServer({ config: loadConfig({ PORT: '0', HOST: '127.0.0.1' }), storage, clock, registry, logger: pino({ level: 'silent' }), builderDir: null });
    const { key } = await new AuthService(storage, clock).createApiKey('bench', 'track', 0);
    try {
      const cpu0 = process.cpuUsage();
      const c = await runClients(server.url, key, opts.requests, clients);
      while (((await storage.runs.countByStatus('four')).completed ?? 0) < opts.requests) await sleep(20);
      const finished = (Date.now() - c.startedAt) / 1000;
      // The server's CPU for the requests and their journeys (the clients' is their own process's).
      const cpu = process.cpuUsage(cpu0);
      const cpuRate = opts.requests / ((cpu.user + cpu.system) / 1e6);
      const lat = `p50 ${c.p50.toFixed(1)} ms, p99 ${c.p99.toFixed(1)} ms`;
      rows.push({ name: `HTTP /api/track, ${clients} keep-alive clients, one key`, count: opts.requests, unit: 'events', seconds: c.seconds, rate: opts.requests / c.seconds, cpuRate, note: `${lat}; clients in a child process; per CPU-s: of the server, journeys included` });
      rows.push({ name: `  4-node journeys completed (${clients} clients)`, count: opts.requests, unit: 'journeys', seconds: finished, rate: opts.requests / finished, cpuRate });
    } finally {
      await server.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}
