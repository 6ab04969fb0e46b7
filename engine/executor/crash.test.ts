import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { assertNoRejections, trackEvents } from '../ingest/ingest.ts';
import { JourneyService } from '../journeys.ts';
import { openSqlite } from '../storage/sqlite/index.ts';
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
function runWorker(file: string, killWhen: ((p: Progress) => boolean) | null): Promise<{ killed: boolean; last: Progress | null; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', WORKER, file, String(START), String(LEASE_MS), '200', killWhen ? '2' : '0'], {
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

describe('crash recovery', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-crash-'));
  const file = path.join(dir, 'crash.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('killed workers leave every run ended once, every outbox entry once, no duplicated history', async () => {
    const setup = openSqlite(file);
    const registry = testRegistry();
    const clock = new VirtualClock(START);
    await new JourneyService(setup, registry, clock).deploy(crashJourney);
    for (let i = 0; i < CUSTOMERS; i += 5000) {
      const batch = Array.from({ length: Math.min(5000, CUSTOMERS - i) }, (_, k) => ({ customerId: `c${i + k}`, type: 'signup' }));
      assertNoRejections(await trackEvents(setup, clock, batch));
    }
    await setup.close();

    // 1: killed during enrollment (some events processed, not all).
    const a = await runWorker(file, (p) => p.events >= 3000);
    expect(a.killed, a.stderr).toBe(true);
    // 2: killed while waking runs (some runs completed, not all).
    const b = await runWorker(file, (p) => p.completed >= 3000);
    expect(b.killed, b.stderr).toBe(true);

    const mid = openSqlite(file);
    const midCompleted = mid.raw.prepare(`SELECT COUNT(*) FROM runs WHERE status = 'completed'`).pluck().get() as number;
    await mid.close();
    expect(midCompleted).toBeGreaterThan(0);
    expect(midCompleted).toBeLessThan(CUSTOMERS);

    // 3: runs to the end.
    const c = await runWorker(file, null);
    expect(c.code, c.stderr).toBe(0);
    expect(c.last?.phase).toBe('done');

    const s = openSqlite(file);
    const db = s.raw;
    try {
      expect(db.prepare('SELECT COUNT(*) FROM events WHERE processed = 0').pluck().get()).toBe(0);
      expect(db.prepare('SELECT status, COUNT(*) AS n FROM runs GROUP BY status').all()).toEqual([{ status: 'completed', n: CUSTOMERS }]);
      // One run per customer, every customer has one.
      expect(db.prepare('SELECT COUNT(DISTINCT customer_id) FROM runs').pluck().get()).toBe(CUSTOMERS);
      expect(db.prepare('SELECT COUNT(*) FROM customers WHERE id NOT IN (SELECT customer_id FROM runs)').pluck().get()).toBe(0);
      expect(db.prepare(`SELECT COUNT(*) FROM runs WHERE end_reason != 'done' OR ended_at IS NULL`).pluck().get()).toBe(0);
      // Outbox: 2 per run, one from each action node, keyed run:node:visit.
      expect(db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(2 * CUSTOMERS);
      expect(db.prepare('SELECT COUNT(*) FROM (SELECT run_id FROM outbox GROUP BY run_id HAVING COUNT(*) != 2)').pluck().get()).toBe(0);
      expect(db.prepare(`SELECT node_id, COUNT(*) AS n FROM outbox GROUP BY node_id ORDER BY node_id`).all()).toEqual([
        { node_id: 'first', n: CUSTOMERS },
        { node_id: 'second', n: CUSTOMERS },
      ]);
      expect(db.prepare('SELECT COUNT(*) FROM outbox WHERE run_id NOT IN (SELECT id FROM runs)').pluck().get()).toBe(0);
      // History: no (run, visit) twice; one enter and one exit per run.
      expect(db.prepare('SELECT COUNT(*) FROM (SELECT 1 FROM run_history GROUP BY run_id, visit HAVING COUNT(*) > 1)').pluck().get()).toBe(0);
      expect(db.prepare(`SELECT kind, COUNT(*) AS n FROM run_history WHERE kind IN ('enter', 'exit', 'fail') GROUP BY kind ORDER BY kind`).all()).toEqual([
        { kind: 'enter', n: CUSTOMERS },
        { kind: 'exit', n: CUSTOMERS },
      ]);
      // Counters were committed with the steps, so they match exactly.
      expect(db.prepare(`SELECT count FROM node_counters WHERE journey_id = 'crash' AND node_id = '$journey' AND key = 'enrolled'`).pluck().get()).toBe(CUSTOMERS);
      expect(db.prepare(`SELECT count FROM node_counters WHERE journey_id = 'crash' AND node_id = 'done' AND key = 'exit'`).pluck().get()).toBe(CUSTOMERS);
    } finally {
      await s.close();
    }
  });
});
