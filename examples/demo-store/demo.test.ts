import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../engine/config.ts';
import { SystemClock } from '../../engine/core/clock.ts';
import { openSqlite } from '../../engine/storage/sqlite/index.ts';
import { previewTransport } from '../../engine/messaging/transport.ts';
import { builtinRegistry } from '../../nodes/index.ts';
import { AcceleratedClock } from './accelerated-clock.ts';
import { DEMO_LIVE_TEMPLATES, defaultLiveDays, startDemo, type RunningDemo } from './demo.ts';

const KEY = 'demo-test-key-0123456789';

describe('the demo', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-demo-'));
  let demo: RunningDemo;
  const api = async (p: string) => {
    const res = await fetch(`${demo.server.url}${p}`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    return res.json() as Promise<Record<string, any>>;
  };

  beforeAll(async () => {
    const config = loadConfig({ FORESIGHT_DB: path.join(dir, 'demo.db'), PORT: '0', FORESIGHT_API_KEY: KEY, FORESIGHT_LOG_LEVEL: 'silent' }, {});
    const storage = openSqlite(config.db);
    // Ten simulated hours per real second.
    // Mail composed and kept, as `foresight demo` does without a mail server: publishing checks that email can be delivered.
    const registry = builtinRegistry({ mailTransport: previewTransport(), mailFrom: 'Demo <shop@foresight.test>', secret: 'demo-secret-demo-secret-demo-secret-0123', publicUrl: 'http://127.0.0.1:1' });
    demo = await startDemo({ config, storage, registry, clock: new SystemClock(), customers: 600, seed: 3, speed: 36_000, liveDays: 20, builderDir: null });
  }, 120_000);

  afterAll(async () => {
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a populated shop: customers, fitted models, every template imported and three live', async () => {
    expect(demo.summary.customers).toBeGreaterThan(500);
    expect([...demo.live].sort()).toEqual([...DEMO_LIVE_TEMPLATES].sort());
    const { journeys } = await api('/api/journeys');
    expect(journeys).toHaveLength(9);
    expect(journeys.filter((j: { status: string }) => j.status === 'live').map((j: { id: string }) => j.id).sort()).toEqual([...DEMO_LIVE_TEMPLATES].sort());
    const { customers } = await api('/api/customers?limit=5');
    expect(customers.length).toBe(5);
  });

  it('moves: within seconds the live journeys enroll customers from the shop’s ongoing activity', async () => {
    const entered = async () => ((await api('/api/journeys')).journeys as { entered: number }[]).reduce((s, j) => s + j.entered, 0);
    const before = await entered();
    const deadline = Date.now() + 30_000;
    let after = before;
    while (after <= before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      after = await entered();
    }
    expect(after).toBeGreaterThan(before);
    expect(demo.feed.remaining).toBeLessThan(demo.feed.items.length);
  }, 40_000);

  it('runs the shop\'s jobs on shop time: a segment journey enrolls within seconds, not after 15 real minutes', async () => {
    const res = await fetch(`${demo.server.url}/api/journeys/win-back/publish`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    const entered = async () => ((await api('/api/journeys')).journeys as { id: string; entered: number }[]).find((j) => j.id === 'win-back')!.entered;
    // The segment refresh runs every 15 shop minutes: at ten shop hours per second, dozens of times a second.
    const deadline = Date.now() + 30_000;
    while ((await entered()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(await entered()).toBeGreaterThan(0);
  }, 40_000);
});

describe('AcceleratedClock', () => {
  it('runs `speed` times faster than the clock it is given, from the given start', () => {
    let real = 1_000;
    const clock = new AcceleratedClock({ now: () => new Date(real) }, 3600, new Date('2025-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2025-01-01T00:00:00.000Z');
    real += 2_000;
    expect(clock.now().toISOString()).toBe('2025-01-01T02:00:00.000Z');
    expect(() => new AcceleratedClock({ now: () => new Date(0) }, 0)).toThrow(/speed/);
  });
});

describe('defaultLiveDays', () => {
  it('replays two months for a small shop and fewer days for a large one, whose future is held in memory', () => {
    expect(defaultLiveDays(5000)).toBe(60);
    expect(defaultLiveDays(200_000)).toBe(15);
    expect(defaultLiveDays(1_000_000)).toBe(3);
  });
});

describe('foresight demo', () => {
  it('refuses to recreate a database that holds real customers, naming --db', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'foresight-demo-cli-'));
    try {
      const file = path.join(dir, 'shop.db');
      const storage = openSqlite(file);
      await storage.customers.upsert([{ externalId: 'real-1', email: 'ana@shop.example' }], 0);
      await storage.close();
      const bin = path.resolve(import.meta.dirname, '../../bin/foresight.js');
      const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(process.execPath, [bin, 'demo', '--db', file, '--port', '0'], (err, _out, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stderr })),
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--db: ".*shop\.db" holds customers that are not demo data/);
      const again = openSqlite(file);
      expect(await again.customers.count()).toBe(1);
      await again.close();
      expect(existsSync(file)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
