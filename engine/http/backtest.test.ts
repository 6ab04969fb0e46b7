import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyCustomers, trackEvents } from '../ingest/ingest.ts';
import { startTestServer, type TestServer } from './test-server.ts';

// Visit → wait a day → exit, wired in a line.
const steps = [
  { id: 'trigger', type: 'trigger.event', config: { event: 'page_view' } },
  { id: 'wait', type: 'wait.delay', config: { duration: '1d' } },
  { id: 'done', type: 'flow.exit', config: {} },
];
const journey = { settings: { reentry: 'always' }, nodes: steps, edges: steps.slice(1).map((n, i) => ({ id: `e${i}`, source: steps[i]!.id, sourceHandle: 'next', target: n.id })) };

let s: TestServer;
let h: Record<string, string>;
const CUSTOMERS = 150;
const EVENTS_EACH = 4;

beforeAll(async () => {
  s = await startTestServer({ start: '2024-03-01T00:00:00Z' });
  h = await s.key('admin');
  // A month of weekly visits (each run ends before the next visit, so every visit enters):
  // enough replay work that a backtest on the request thread would hold the server for seconds.
  await identifyCustomers(s.storage, s.clock, Array.from({ length: CUSTOMERS }, (_, i) => ({ customerId: `c${i}` })));
  const start = Date.parse('2024-02-01T00:00:00Z');
  const events = [];
  for (let i = 0; i < CUSTOMERS; i++) for (let k = 0; k < EVENTS_EACH; k++) events.push({ customerId: `c${i}`, type: 'page_view', occurredAt: new Date(start + k * 7 * 86_400_000 + i * 60_000) });
  await trackEvents(s.storage, s.clock, events);
  expect((await s.call('POST', '/api/journeys', { json: { name: 'Browse', graph: journey }, headers: h })).status).toBe(201);
}, 120_000);
afterAll(() => s.close());

const job = async (id: string) => (await s.call('GET', `/api/backtests/${id}`, { headers: h })).body.job;
const start = async () => (await s.call('POST', '/api/journeys/browse/backtest', { json: { from: '2024-02-01', to: '2024-03-01' }, headers: h })).body.job;

describe('backtest jobs', () => {
  it('run off the request thread: /healthz answers while a backtest runs, progress moves, the result arrives', async () => {
    const started = await start();
    let seenRunning = false;
    let healthyWhileRunning = 0;
    let sawPartProgress = false;
    for (;;) {
      const health = await s.call('GET', '/healthz');
      const j = await job(started.id);
      // /healthz answered, and only afterwards was the job seen still unfinished: it answered before the backtest ended.
      if (j.status === 'running') {
        seenRunning = true;
        if (health.status === 200) healthyWhileRunning++;
        expect(j.progress.done).toBeLessThanOrEqual(j.progress.total);
        if (j.progress.done > 0 && j.progress.done < j.progress.total) sawPartProgress = true;
      }
      if (j.status === 'done') {
        expect(j.result.nodes.trigger.entered).toBe(CUSTOMERS * EVENTS_EACH);
        expect(j.progress.done).toBe(j.progress.total);
        break;
      }
      expect(j.status).not.toBe('failed');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(seenRunning).toBe(true);
    expect(healthyWhileRunning).toBeGreaterThan(0);
    expect(sawPartProgress).toBe(true);
  }, 120_000);

  it('cancels a running backtest, and a finished one stays as it was', async () => {
    const started = await start();
    const cancelled = await s.call('DELETE', `/api/backtests/${started.id}`, { headers: h });
    expect(cancelled.body.job.status).toBe('cancelled');
    expect((await job(started.id)).status).toBe('cancelled');
    expect((await job(started.id)).result).toBeNull();
  }, 60_000);

  it('refuses more concurrent backtests than allowed, naming how to go on', async () => {
    const a = await start();
    const b = await start();
    const c = await s.call('POST', '/api/journeys/browse/backtest', { json: { from: '2024-02-01', to: '2024-03-01' }, headers: h });
    expect([c.status, c.body.error.code]).toEqual([429, 'rate_limited']);
    expect(c.body.error.message).toMatch(/cancel it/);
    for (const j of [a, b]) await s.call('DELETE', `/api/backtests/${j.id}`, { headers: h });
  }, 60_000);
});
