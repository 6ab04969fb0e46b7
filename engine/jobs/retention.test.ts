import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../core/clock.ts';
import { startTestServer, type TestServer } from '../http/test-server.ts';
import { pruneExpired } from './retention.ts';

const WORKER = fileURLToPath(new URL('../testing/prune-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DAY = 86_400_000;
const NINETY_DAYS = 90 * DAY;

const graph = {
  settings: { reentry: 'once', goal: { event: 'purchase' } },
  nodes: [
    { id: 'signup', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'ab', type: 'split.ab', config: { variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] } },
    { id: 'wait', type: 'wait.delay', config: { duration: '1d' } },
    { id: 'done', type: 'flow.exit', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'signup', sourceHandle: 'next', target: 'ab' },
    { id: 'e2', source: 'ab', sourceHandle: 'a', target: 'wait' },
    { id: 'e3', source: 'ab', sourceHandle: 'b', target: 'wait' },
    { id: 'e4', source: 'wait', sourceHandle: 'next', target: 'done' },
  ],
};

let t: TestServer;
afterEach(() => t?.close());

/**
 * A live journey whose `old` customers went through 100 days ago (some bought: conversions,
 * both A/B arms) and whose 5 `new` ones wait in it now, plus an event no journey has seen yet.
 */
async function shopWithHistory(old: number) {
  // Sessions keep real time while the shop's clock jumps 100 days.
  t = await startTestServer({ realClock: new SystemClock() });
  const h = await t.login();
  await t.call('POST', '/api/journeys', { json: { name: 'Retained' }, headers: h });
  await t.call('PUT', '/api/journeys/retained/draft', { json: { graph }, headers: h });
  expect((await t.call('POST', '/api/journeys/retained/publish', { headers: h })).status).toBe(200);
  const batch = (items: object[]) => t.call('POST', '/api/batch', { json: { batch: items }, headers: h });
  await batch(Array.from({ length: old }, (_, i) => ({ kind: 'track', customerId: `old${i}`, type: 'signup' })));
  await t.running.engine.runUntilIdle();
  t.clock.advance(12 * 3_600_000);
  await batch(Array.from({ length: Math.ceil(old / 4) }, (_, i) => ({ kind: 'track', customerId: `old${i}`, type: 'purchase' })));
  await t.running.engine.runUntilIdle();
  t.clock.advance(2 * DAY);
  await t.running.engine.runUntilIdle();
  t.clock.advance(100 * DAY);
  await batch(Array.from({ length: 5 }, (_, i) => ({ kind: 'track', customerId: `new${i}`, type: 'signup' })));
  await t.running.engine.runUntilIdle();
  const stats = async () => (await t.call('GET', '/api/journeys/retained/stats', { headers: h })).body;
  const runsOf = async (prefix: string, n: number) => Promise.all(Array.from({ length: n }, async (_, i) => t.storage.runs.forCustomer((await t.storage.customers.byExternalId(`${prefix}${i}`))!.id)));
  const historyOf = async (prefix: string, n: number) => Promise.all((await runsOf(prefix, n)).flat().map((r) => t.storage.runs.history(r.id)));
  // Arrives after the engine's last pass: waits in the inbox.
  await t.storage.events.insert([{ customerId: 1, type: 'page_view', properties: {}, occurredAt: t.clock.now().getTime() }], t.clock.now().getTime());
  return { stats, historyOf };
}

describe('retention', () => {
  it("removes old runs' history and processed events while the builder's numbers stay exactly as they were", async () => {
    const { stats, historyOf } = await shopWithHistory(40);
    const before = await stats();
    expect(before).toMatchObject({ entered: 45, converted: 10, statuses: { completed: 30, converted: 10, waiting: 5 } });
    expect(before.ab.ab).toBeDefined();
    const waitingHistory = await historyOf('new', 5);

    const pruned = await pruneExpired(t.storage, t.clock, NINETY_DAYS);

    expect(pruned.history).toBeGreaterThanOrEqual(40 * 3);
    expect(pruned.events).toBe(40 + 10);
    expect(await stats()).toEqual(before);
    expect((await historyOf('old', 40)).flat()).toEqual([]);
    expect(await historyOf('new', 5)).toEqual(waitingHistory);
    expect(await t.storage.events.unprocessedCount()).toBe(1);
    // Nothing more is old enough: a second pass removes nothing.
    expect(await pruneExpired(t.storage, t.clock, NINETY_DAYS)).toEqual({ history: 0, deliveries: 0, events: 0, sends: 0 });
  });

  it('a prune killed mid-way (SIGKILL) loses nothing that should stay, and the next one finishes the job', async () => {
    const { stats, historyOf } = await shopWithHistory(150);
    const before = await stats();
    const waitingHistory = await historyOf('new', 5);
    const db = path.join(t.dir, 'api.db');
    const prune = (killAfter: number | null) =>
      new Promise<{ killed: boolean; out: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', WORKER, db, String(t.clock.now().getTime()), String(NINETY_DAYS), '4'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        let killed = false;
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /history=(\d+) events=\d+\n$/.exec(out);
          if (killAfter !== null && !killed && m && Number(m[1]) >= killAfter) {
            killed = true;
            child.kill('SIGKILL');
          }
        });
        child.on('error', reject);
        child.on('exit', () => resolve({ killed, out }));
      });

    const first = await prune(40);
    expect(first.killed).toBe(true);
    expect(first.out).not.toMatch(/^done/m);
    const left = (await historyOf('old', 150)).flat().length;
    expect(left).toBeGreaterThan(0);
    expect(await stats()).toEqual(before);
    expect(await historyOf('new', 5)).toEqual(waitingHistory);
    expect(await t.storage.events.unprocessedCount()).toBe(1);

    const second = await prune(null);
    expect(second.out).toMatch(/^done history=\d+/m);
    expect((await historyOf('old', 150)).flat()).toEqual([]);
    expect(await stats()).toEqual(before);
    expect(await historyOf('new', 5)).toEqual(waitingHistory);
    expect(await t.storage.events.unprocessedCount()).toBe(1);
  });
});
