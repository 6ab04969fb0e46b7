import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { assertNoRejections, trackEvents } from '../ingest/ingest.ts';
import { JourneyService } from '../journeys.ts';
import { openSqlite } from '../storage/sqlite/index.ts';
import { builtinRegistry } from '../../nodes/index.ts';

const WORKER = fileURLToPath(new URL('../testing/enrol-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CUSTOMERS = 3000;
const START = Date.parse('2024-01-01T00:00:00Z');

function worker(file: string, goAt: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, file, String(START + 1000), String(goAt), '1000', String(CUSTOMERS)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('two engines on one SQLite file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-two-'));
  const file = path.join(dir, 'two.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('enrol every customer of a `reentry: once` journey exactly once, with one email each', async () => {
    const setup = openSqlite(file);
    const clock = new VirtualClock(START);
    await new JourneyService(setup, builtinRegistry(), clock).deploy({
      id: 'welcome',
      name: 'Welcome',
      settings: { reentry: 'once' },
      nodes: [
        { id: 'start', type: 'trigger.event', config: { event: 'signup' } },
        { id: 'mail', type: 'action.email', config: { subject: 'Welcome', html: '<p>Hello</p>' } },
      ],
      edges: [{ id: 'e1', source: 'start', sourceHandle: 'next', target: 'mail' }],
    });
    // Each customer signs up twice, the second events right after all the first ones: with one
    // batch of 3,000 events each, the two engines hold the same customers at the same time.
    const signups = (round: number) => Array.from({ length: CUSTOMERS }, (_, i) => ({ customerId: `c${i}`, type: 'signup', properties: { round } }));
    assertNoRejections(await trackEvents(setup, clock, signups(1)));
    assertNoRejections(await trackEvents(setup, clock, signups(2)));
    await setup.close();

    const goAt = Date.now() + 3000;
    const [a, b] = await Promise.all([worker(file, goAt), worker(file, goAt)]);
    expect(a.code, a.err).toBe(0);
    expect(b.code, b.err).toBe(0);

    const s = openSqlite(file);
    const db = s.raw;
    try {
      expect(db.prepare('SELECT COUNT(*) FROM events WHERE processed = 0').pluck().get()).toBe(0);
      expect(db.prepare(`SELECT COUNT(*) FROM runs WHERE journey_id = 'welcome'`).pluck().get()).toBe(CUSTOMERS);
      expect(db.prepare(`SELECT COUNT(DISTINCT customer_id) FROM runs WHERE journey_id = 'welcome'`).pluck().get()).toBe(CUSTOMERS);
      expect(db.prepare(`SELECT COUNT(*) FROM outbox WHERE kind = 'email'`).pluck().get()).toBe(CUSTOMERS);
      expect(db.prepare(`SELECT COUNT(*) FROM (SELECT customer_id FROM outbox GROUP BY customer_id HAVING COUNT(*) != 1)`).pluck().get()).toBe(0);
      expect(db.prepare(`SELECT count FROM node_counters WHERE journey_id = 'welcome' AND node_id = '$journey' AND key = 'enrolled'`).pluck().get()).toBe(CUSTOMERS);
    } finally {
      await s.close();
    }
    console.log(`two engines: ${a.out.trim()} | ${b.out.trim()}`);
  }, 120_000);
});
