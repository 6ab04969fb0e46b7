import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, inject, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { assertNoRejections, trackEvents } from '../ingest/ingest.ts';
import { JourneyService } from '../journeys.ts';
import { openStorage } from '../storage/open.ts';
import type { Storage } from '../storage/types.ts';
import { eachBackend } from '../testing/backends.ts';
import { createTestDatabase } from '../testing/postgres.ts';
import { testSql } from '../testing/sql.ts';
import { crashJourney, testRegistry } from '../testing/test-nodes.ts';

const WORKER = fileURLToPath(new URL('../testing/crash-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CUSTOMERS = 10_000;
const START = Date.parse('2024-01-01T00:00:00Z');
const LEASE_MS = 1000;

interface Progress {
  phase: string;
  events: number;
  completed: number;
  clock: number;
}

function parse(line: string): Progress | null {
  const m = /^progress phase=(\w+) events=(\d+) completed=(\d+) clock=(\d+)/.exec(line);
  return m ? { phase: m[1]!, events: Number(m[2]), completed: Number(m[3]), clock: Number(m[4]) } : null;
}

/**
 * Runs the worker until `killWhen` says so (SIGKILL) or it exits by itself.
 * Resolves with the last progress seen and whether it was killed.
 */
function runWorker(target: string, killWhen: ((p: Progress) => boolean) | null): Promise<{ killed: boolean; last: Progress | null; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', WORKER, target, String(START), String(LEASE_MS), '200', killWhen ? '2' : '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last: Progress | null = null;
    let killed = false;
    let buf = '';
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        const p = parse(line);
        if (!p) continue;
        last = p;
        if (!killed && killWhen?.(p)) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ killed, last, code, stderr }));
  });
}

eachBackend('crash recovery', (backend) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** Where the workers find the database: a SQLite file, or a fresh PostgreSQL database. */
  const database = async (): Promise<{ target: string; drop: () => Promise<void> }> => {
    if (backend.name === 'sqlite') return { target: path.join(dir, 'crash.db'), drop: async () => undefined };
    const { url, drop } = await createTestDatabase(inject('pgUrl')!);
    return { target: url, drop };
  };

  it('killed workers leave every run ended once, every outbox entry once, no duplicated history', async () => {
    const { target, drop } = await database();
    try {
      await crashAndRecover(target);
    } finally {
      await drop();
    }
  });
});

async function crashAndRecover(target: string): Promise<void> {
  const setup = await openStorage(target);
  const registry = testRegistry();
  const clock = new VirtualClock(START);
  await new JourneyService(setup, registry, clock).deploy(crashJourney);
  for (let i = 0; i < CUSTOMERS; i += 5000) {
    const batch = Array.from({ length: Math.min(5000, CUSTOMERS - i) }, (_, k) => ({ customerId: `c${i + k}`, type: 'signup' }));
    assertNoRejections(await trackEvents(setup, clock, batch));
  }
  await setup.close();

  // 1: killed during enrollment (some events processed, not all).
  const a = await runWorker(target, (p) => p.events >= 3000);
  expect(a.killed, a.stderr).toBe(true);
  // 2: killed while waking runs (some runs completed, not all).
  const b = await runWorker(target, (p) => p.completed >= 3000);
  expect(b.killed, b.stderr).toBe(true);

  const mid: Storage = await openStorage(target);
  const midCompleted = Number(await testSql(mid).value(`SELECT COUNT(*) FROM runs WHERE status = 'completed'`));
  await mid.close();
  expect(midCompleted).toBeGreaterThan(0);
  expect(midCompleted).toBeLessThan(CUSTOMERS);

  // 3: runs to the end.
  const c = await runWorker(target, null);
  expect(c.code, c.stderr).toBe(0);
  expect(c.last?.phase).toBe('done');

  const s = await openStorage(target);
  try {
    await expectEveryRunOnce(s, CUSTOMERS);
  } finally {
    await s.close();
  }
}

/** Every customer's run ended once; every outbox entry, history step and counter exactly once. */
async function expectEveryRunOnce(s: Storage, customers: number): Promise<void> {
  const { all, value } = testSql(s);
  const count = async (sql: string) => Number(await value(sql));
  expect(await count('SELECT COUNT(*) FROM events WHERE processed = 0')).toBe(0);
  expect(await all('SELECT status, COUNT(*) AS n FROM runs GROUP BY status')).toEqual([{ status: 'completed', n: customers }]);
  // One run per customer, every customer has one.
  expect(await count('SELECT COUNT(DISTINCT customer_id) FROM runs')).toBe(customers);
  expect(await count('SELECT COUNT(*) FROM customers WHERE id NOT IN (SELECT customer_id FROM runs)')).toBe(0);
  expect(await count(`SELECT COUNT(*) FROM runs WHERE end_reason != 'done' OR ended_at IS NULL`)).toBe(0);
  // Outbox: 2 per run, one from each action node, keyed run:node:visit.
  expect(await count('SELECT COUNT(*) FROM outbox')).toBe(2 * customers);
  expect(await count('SELECT COUNT(*) FROM (SELECT run_id FROM outbox GROUP BY run_id HAVING COUNT(*) != 2) AS x')).toBe(0);
  expect(await all('SELECT node_id, COUNT(*) AS n FROM outbox GROUP BY node_id ORDER BY node_id')).toEqual([
    { node_id: 'first', n: customers },
    { node_id: 'second', n: customers },
  ]);
  expect(await count('SELECT COUNT(*) FROM outbox WHERE run_id NOT IN (SELECT id FROM runs)')).toBe(0);
  // History: no (run, visit) twice; one enter and one exit per run.
  expect(await count('SELECT COUNT(*) FROM (SELECT 1 FROM run_history GROUP BY run_id, visit HAVING COUNT(*) > 1) AS x')).toBe(0);
  expect(await all(`SELECT kind, COUNT(*) AS n FROM run_history WHERE kind IN ('enter', 'exit', 'fail') GROUP BY kind ORDER BY kind`)).toEqual([
    { kind: 'enter', n: customers },
    { kind: 'exit', n: customers },
  ]);
  // Counters were committed with the steps, so they match exactly.
  expect(await count(`SELECT count FROM node_counters WHERE journey_id = 'crash' AND node_id = '$journey' AND key = 'enrolled'`)).toBe(customers);
  expect(await count(`SELECT count FROM node_counters WHERE journey_id = 'crash' AND node_id = 'done' AND key = 'exit'`)).toBe(customers);
}
