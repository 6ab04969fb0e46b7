import { afterEach, describe, expect, it } from 'vitest';
import { ANALYSES_FRESH_MS } from './routes/journeys.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const graph = (withSplit: boolean) => ({
  nodes: [
    { id: 't', type: 'trigger.event', config: { event: 'signup' } },
    ...(withSplit ? [{ id: 'split', type: 'split.ab', config: { variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] } }] : []),
    { id: 'w', type: 'wait.delay', config: { duration: '1d' } },
  ],
  edges: withSplit
    ? [
        { id: 'e1', source: 't', sourceHandle: 'next', target: 'split' },
        { id: 'e2', source: 'split', sourceHandle: 'a', target: 'w' },
        { id: 'e3', source: 'split', sourceHandle: 'b', target: 'w' },
      ]
    : [{ id: 'e1', source: 't', sourceHandle: 'next', target: 'w' }],
});

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('GET /api/journeys/:id/stats reuses its analyses for a few seconds of real time', () => {
  it('two polls within the window read message analytics once; a publish, a pause, a customer moving on or the window passing is seen', async () => {
    s = await startTestServer({ start: '2026-02-02T10:00:00Z' });
    const h = await s.key('admin');
    // A thin wrapper over the real storage: counts the message-analytics reads, answers as before.
    const analytics = s.storage.analytics;
    const messages = analytics.messages.bind(analytics);
    let reads = 0;
    analytics.messages = (...args) => {
      reads++;
      return messages(...args);
    };
    const stats = async () => {
      const r = await s!.call('GET', '/api/journeys/welcome/stats', { headers: h });
      expect(r.status).toBe(200);
      return r.body;
    };
    expect((await s.call('POST', '/api/journeys', { json: { name: 'Welcome', graph: graph(false) }, headers: h })).status).toBe(201);
    expect((await s.call('POST', '/api/journeys/welcome/publish', { headers: h })).status).toBe(200);

    expect((await stats()).ab).toEqual({});
    expect((await stats()).ab).toEqual({});
    expect(reads).toBe(1);

    // A publish in between is seen at once: v2's A/B split is reported on the next poll.
    await s.call('PUT', '/api/journeys/welcome/draft', { json: { graph: { ...graph(true), name: 'Welcome' } }, headers: h });
    expect((await s.call('POST', '/api/journeys/welcome/publish', { headers: h })).status).toBe(200);
    expect(Object.keys((await stats()).ab)).toEqual(['split']);
    expect(reads).toBe(2);

    // So is a pause, and a customer entering.
    expect((await s.call('POST', '/api/journeys/welcome/pause', { headers: h })).status).toBe(200);
    await stats();
    expect(reads).toBe(3);
    expect((await s.call('POST', '/api/journeys/welcome/resume', { headers: h })).status).toBe(200);
    await stats();
    expect(reads).toBe(4);
    expect((await s.call('POST', '/api/track', { json: { customerId: 'ann', type: 'signup' }, headers: h })).status).toBeLessThan(300);
    await s.running.engine.runUntilIdle();
    const afterEntry = await stats();
    expect(afterEntry.entered).toBe(1);
    expect((afterEntry.ab.split as { runs: number }[]).reduce((n, v) => n + v.runs, 0)).toBe(1);
    expect(reads).toBe(5);
    await stats();
    expect(reads).toBe(5);

    // Once the window has passed (the server's real clock), the analyses are computed afresh.
    s.clock.advance(ANALYSES_FRESH_MS);
    await stats();
    expect(reads).toBe(6);
  });
});
