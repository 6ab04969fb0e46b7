import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-server.ts';

const graph = {
  settings: { reentry: 'once', goal: { event: 'purchase' } },
  nodes: [
    { id: 'trigger', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'wait', type: 'wait.delay', config: { duration: '3d' } },
    { id: 'done', type: 'flow.exit', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'wait' },
    { id: 'e2', source: 'wait', sourceHandle: 'next', target: 'done' },
  ],
};

let s: TestServer;
let h: Record<string, string>;

/** Polls a backtest job until it is no longer loading or running. */
async function finished(id: string) {
  for (;;) {
    const { body } = await s.call('GET', `/api/backtests/${id}`, { headers: h });
    if (body.job.status !== 'loading' && body.job.status !== 'running') return body.job;
    await new Promise((r) => setTimeout(r, 20));
  }
}
beforeAll(async () => {
  s = await startTestServer();
  h = await s.key('admin');
});
afterAll(() => s.close());

describe('journeys API', () => {
  it('creates, drafts (even invalid), validates, refuses to publish an invalid draft, publishes a valid one', async () => {
    const created = await s.call('POST', '/api/journeys', { json: { name: 'Welcome series' }, headers: h });
    expect(created.status).toBe(201);
    expect(created.body.journey).toMatchObject({ id: 'welcome-series', name: 'Welcome series', status: 'draft', liveVersion: null });
    expect((await s.call('POST', '/api/journeys', { json: { name: 'Welcome series' }, headers: h })).body.journey.id).toBe('welcome-series-2');

    const broken = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'wait' ? { ...n, config: { duration: 'soon' } } : n)) };
    const draft = await s.call('PUT', '/api/journeys/welcome-series/draft', { json: { graph: broken }, headers: h });
    expect(draft.status).toBe(200);
    expect(draft.body.problems.length).toBeGreaterThan(0);
    expect(draft.body.problems[0]).toMatchObject({ code: 'invalid_journey', nodeId: 'wait' });

    const refused = await s.call('POST', '/api/journeys/welcome-series/publish', { headers: h });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_journey');
    expect(refused.body.problems.length).toBe(draft.body.problems.length);
    expect(await s.storage.journeys.versions('welcome-series')).toEqual([]);

    const check = await s.call('POST', '/api/journeys/welcome-series/validate', { json: { graph }, headers: h });
    expect(check.body).toMatchObject({ ok: true, problems: [] });

    await s.call('PUT', '/api/journeys/welcome-series/draft', { json: { graph }, headers: h });
    const published = await s.call('POST', '/api/journeys/welcome-series/publish', { headers: h });
    expect(published.body).toMatchObject({ version: 1 });
    const got = await s.call('GET', '/api/journeys/welcome-series', { headers: h });
    expect(got.body.journey).toMatchObject({ status: 'live', liveVersion: 1 });
    expect(got.body.journey.draft.nodes.map((n: { id: string }) => n.id)).toEqual(['trigger', 'wait', 'done']);
  });

  it('refuses to publish a journey naming a segment nobody saved, and says which node and which segments exist', async () => {
    await s.call('POST', '/api/journeys', { json: { name: 'Lapsed' }, headers: h });
    await s.call('POST', '/api/segments', { json: { name: 'vip', definition: { attribute: 'plan', op: 'eq', value: 'pro' } }, headers: h });
    const segmentGraph = (segment: string) => ({
      nodes: [
        { id: 'enter', type: 'trigger.segment', config: { segment } },
        { id: 'done', type: 'flow.exit', config: {} },
      ],
      edges: [{ id: 'e1', source: 'enter', sourceHandle: 'next', target: 'done' }],
    });
    await s.call('PUT', '/api/journeys/lapsed/draft', { json: { graph: segmentGraph('lapsed-customers') }, headers: h });
    const check = await s.call('POST', '/api/journeys/lapsed/validate', { json: {}, headers: h });
    expect(check.body.ok).toBe(false);
    expect(check.body.problems).toMatchObject([{ nodeId: 'enter', field: 'segment' }]);
    expect(check.body.problems[0].message).toBe('node "enter": segment: there is no saved segment "lapsed-customers"; save it first (builder: Segments; simulate: --segments) or use one of: vip');
    expect((await s.call('POST', '/api/journeys/lapsed/publish', { headers: h })).status).toBe(400);

    await s.call('POST', '/api/segments', { json: { name: 'lapsed-customers', definition: { orders: 'daysSinceLast', op: 'gt', value: 200 } }, headers: h });
    expect((await s.call('POST', '/api/journeys/lapsed/publish', { headers: h })).body).toMatchObject({ version: 1 });
  });

  it('refuses to publish node ids the engine keeps for itself, so a draft cannot tamper with the server or hide a node from the numbers', async () => {
    for (const [name, nodeId] of [['Proto', '__proto__'], ['Ctor', 'constructor'], ['Journey node', '$journey']] as const) {
      const doc = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'wait' ? { ...n, id: nodeId } : n)), edges: graph.edges.map((e) => ({ ...e, source: e.source === 'wait' ? nodeId : e.source, target: e.target === 'wait' ? nodeId : e.target })) };
      const { body } = await s.call('POST', '/api/journeys', { json: { name, graph: doc }, headers: h });
      const published = await s.call('POST', `/api/journeys/${body.journey.id}/publish`, { headers: h });
      expect(published.status).toBe(400);
      expect(published.body.problems).toContainEqual(expect.objectContaining({ nodeId, field: 'id', message: `node id "${nodeId}" is reserved by the engine; rename the node, e.g. "${nodeId.replace(/[^a-zA-Z0-9]/g, '')}-1"` }));
    }
  });

  it('counts runs per node, shows a customer its decision trace, and lists versions', async () => {
    await s.call('POST', '/api/batch', { json: { batch: [{ kind: 'track', customerId: 'a', type: 'signup' }, { kind: 'track', customerId: 'b', type: 'signup' }] }, headers: h });
    await s.running.engine.runUntilIdle();
    s.clock.advance(3 * 86_400_000 + 1000);
    await s.running.engine.runUntilIdle();

    const stats = await s.call('GET', '/api/journeys/welcome-series/stats', { headers: h });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ entered: 2, converted: 0, ab: {} });
    expect(stats.body.nodes.trigger).toMatchObject({ entered: 2, ports: { next: 2 } });
    expect(stats.body.nodes.done.entered).toBe(2);

    const list = await s.call('GET', '/api/journeys', { headers: h });
    expect(list.body.journeys.find((j: { id: string }) => j.id === 'welcome-series')).toMatchObject({ status: 'live', liveVersion: 1, entered: 2, inFlight: 0 });

    const runs = await s.call('GET', '/api/customers/a/runs', { headers: h });
    expect(runs.body.runs).toHaveLength(1);
    expect(runs.body.runs[0]).toMatchObject({ journeyId: 'welcome-series', version: 1, status: 'completed' });
    expect(runs.body.runs[0].history.map((x: { nodeId: string }) => x.nodeId)).toEqual(expect.arrayContaining(['trigger', 'wait', 'done']));

    const versions = await s.call('GET', '/api/journeys/welcome-series/versions', { headers: h });
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1]);
  });

  it('pauses, resumes, archives and duplicates; wrong state is a 400', async () => {
    expect((await s.call('POST', '/api/journeys/welcome-series/pause', { headers: h })).body.journey.status).toBe('paused');
    const twice = await s.call('POST', '/api/journeys/welcome-series/pause', { headers: h });
    expect(twice.status).toBe(400);
    expect(twice.body.error).toMatchObject({ code: 'invalid_state', field: 'status' });
    expect((await s.call('POST', '/api/journeys/welcome-series/resume', { headers: h })).body.journey.status).toBe('live');
    const copy = await s.call('POST', '/api/journeys/welcome-series/duplicate', { headers: h });
    expect(copy.status).toBe(201);
    expect(copy.body.journey).toMatchObject({ id: 'welcome-series-copy', name: 'Welcome series (copy)', status: 'draft' });
    expect(copy.body.journey.draft.nodes).toHaveLength(3);
    expect((await s.call('POST', '/api/journeys/welcome-series-copy/archive', { headers: h })).body.journey.status).toBe('archived');
  });

  it('backtests the draft on stored data without touching it', async () => {
    const before = (await s.storage.runs.countByStatus()) as Record<string, number>;
    const started = await s.call('POST', '/api/journeys/welcome-series/backtest', { json: { from: '2024-02-01', to: '2024-04-01' }, headers: h });
    expect(started.status).toBe(202);
    expect(started.body.job).toMatchObject({ journeyId: 'welcome-series', status: expect.stringMatching(/^(loading|running)$/) });
    const job = await finished(started.body.job.id);
    expect(job.status).toBe('done');
    expect(job.progress.done).toBe(job.progress.total);
    expect(job.result.nodes.trigger.entered).toBe(2);
    expect(job.result.nodes.done.entered).toBe(2);
    expect(job.result).toHaveProperty('messages', 0);
    expect(await s.storage.runs.countByStatus()).toEqual(before);
    const invalid = await s.call('POST', '/api/journeys/welcome-series/backtest', { json: { from: '2024-02-01', to: '2024-04-01', graph: { nodes: [] } }, headers: h });
    expect([invalid.status, invalid.body.error.code]).toEqual([400, 'invalid_journey']);
  });

  it('answers unknown ids with 404 and wrong types with 400 naming the field', async () => {
    for (const [method, url, json] of [
      ['GET', '/api/journeys/nope', undefined],
      ['PUT', '/api/journeys/nope/draft', { graph }],
      ['POST', '/api/journeys/nope/publish', undefined],
      ['POST', '/api/journeys/nope/pause', undefined],
      ['GET', '/api/journeys/nope/stats', undefined],
      ['GET', '/api/journeys/nope/versions', undefined],
      ['POST', '/api/journeys/nope/backtest', { from: '2024-01-01', to: '2024-02-01' }],
      ['GET', '/api/backtests/nope', undefined],
      ['DELETE', '/api/backtests/nope', undefined],
    ] as const) {
      const res = await s.call(method, url, { json, headers: h });
      expect([url, res.status, res.body.error.code, res.body.error.field]).toEqual([url, 404, 'not_found', 'id']);
    }
    const journeysBefore = await s.storage.journeys.list();
    for (const [method, url, json, field] of [
      ['POST', '/api/journeys', { name: 5 }, 'body.name'],
      ['POST', '/api/journeys', { name: '  ' }, 'body.name'],
      ['PUT', '/api/journeys/welcome-series/draft', { graph: 'x' }, 'body.graph'],
      ['POST', '/api/journeys/welcome-series/backtest', { from: 'soon', to: '2024-02-01' }, 'body.from'],
      ['POST', '/api/journeys/welcome-series/backtest', { from: '2024-03-01', to: '2024-02-01' }, 'body.to'],
    ] as const) {
      const res = await s.call(method, url, { json, headers: h });
      expect([url, res.status, res.body.error.field]).toEqual([url, 400, field]);
    }
    expect(await s.storage.journeys.list()).toEqual(journeysBefore);
  });
});

describe('journey size limit', () => {
  it.each([10_000, 1_500])('refuses a %i-node draft with a 400 before saving it: the saved draft is unchanged', async (n) => {
    const created = await s.call('POST', '/api/journeys', { json: { name: `Huge ${n}` }, headers: h });
    const id = created.body.journey.id as string;
    const res = await s.call('PUT', `/api/journeys/${id}/draft`, { json: { graph: { nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: 'flow.exit' })), edges: [] } }, headers: h });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'journey_too_large', field: 'nodes', message: `nodes: the journey has ${n} nodes, more than the limit of 500; split it into several journeys` });
    const saved = await s.call('GET', `/api/journeys/${id}`, { headers: h });
    expect(saved.body.journey.draft.nodes).toEqual([]);
  });
});
