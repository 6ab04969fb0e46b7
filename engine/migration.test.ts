import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './http/test-server.ts';
import { migrateJourney, planMigration } from './migration.ts';
import { createHarness, type Harness } from './testing/harness.ts';

const T0 = '2024-03-01T10:00:00Z';
const DAY = 86_400_000;

/** trigger → wait (3d unless given) → exit named after the version, plus any extra nodes. */
function journey(version: string, wait: Record<string, unknown> = { duration: '3d' }, extra: { id: string; type: string; config: Record<string, unknown> }[] = [], waitId = 'w') {
  return {
    id: 'welcome',
    name: 'Welcome',
    nodes: [
      { id: 't', type: 'trigger.event', config: { event: 'signup' } },
      { id: waitId, type: 'wait.delay', config: wait },
      { id: 'x', type: 'flow.exit', config: { reason: version } },
      ...extra,
    ],
    edges: [
      { id: 'e1', source: 't', sourceHandle: 'next', target: waitId },
      { id: 'e2', source: waitId, sourceHandle: 'next', target: 'x' },
      ...extra.map((n, i) => ({ id: `x${i}`, source: n.id, sourceHandle: 'next', target: 'x' })),
    ],
  };
}

let open: Harness[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});

async function withWaiting(v1: object, customers = ['ann']) {
  const h = createHarness({ start: T0 });
  open.push(h);
  await h.journeys.deploy(v1);
  await h.track(customers.map((customerId) => ({ customerId, type: 'signup' })));
  return h;
}

describe('migrating waiting runs to a new version', () => {
  it('a wait whose node kept its id and config keeps its absolute due time, then leaves through the new version', async () => {
    const h = await withWaiting(journey('v1'));
    await h.advance('1d');
    await h.journeys.deploy(journey('v2'));
    const r = await migrateJourney(h.storage, h.clock, 'welcome', {});
    expect(r).toMatchObject({ fromVersion: 1, toVersion: 2, moved: 1, moves: [{ from: 'w', to: 'w', runs: 1, replan: false }] });
    const [run] = await h.runsOf('ann');
    expect(run).toMatchObject({ version: 2, nodeId: 'w', status: 'waiting', wakeAt: Date.parse(T0) + 3 * DAY });
    const trace = await h.storage.runs.history(run!.id);
    expect(trace.at(-1)).toMatchObject({ kind: 'migrate', detail: { fromVersion: 1, toVersion: 2, from: 'w', to: 'w', replan: false } });
    await h.advance('2d');
    expect((await h.runsOf('ann'))[0]).toMatchObject({ status: 'completed', endReason: 'v2' });
  });

  it('a wait whose config changed is planned again by the new node, from when the run reached the wait', async () => {
    const h = await withWaiting(journey('v1'));
    await h.journeys.deploy(journey('v2', { duration: '5d' }));
    expect((await migrateJourney(h.storage, h.clock, 'welcome', {})).moves).toEqual([{ from: 'w', to: 'w', runs: 1, replan: true }]);
    await h.advance('1m');
    expect((await h.runsOf('ann'))[0]).toMatchObject({ version: 2, status: 'waiting', wakeAt: Date.parse(T0) + 5 * DAY });
    await h.advance('4d');
    expect((await h.runsOf('ann'))[0]!.status).toBe('waiting');
    await h.advance('1d');
    expect((await h.runsOf('ann'))[0]).toMatchObject({ status: 'completed', endReason: 'v2' });
  });

  it('a dry run counts per node and changes nothing; a removed node needs a choice, named in the error', async () => {
    const h = await withWaiting(journey('v1'), ['ann', 'bob', 'cy']);
    await h.journeys.deploy(journey('v2', { duration: '1d' }, [], 'w-new'));
    await expect(migrateJourney(h.storage, h.clock, 'welcome', { dryRun: true })).rejects.toThrow(
      'mapping.w: node "w" (3 waiting) is not in v2; choose a node of v2 ("t", "w-new", "x"), "$stay" or "$exit"',
    );
    await expect(migrateJourney(h.storage, h.clock, 'welcome', { mapping: { w: 'gone' } })).rejects.toThrow('mapping.w: "gone" is not a node of v2');
    const dry = await migrateJourney(h.storage, h.clock, 'welcome', { dryRun: true, mapping: { w: 'w-new' } });
    expect(dry).toMatchObject({ dryRun: true, moved: 0, moves: [{ from: 'w', to: 'w-new', runs: 3, replan: true }] });
    expect((await h.storage.runMoves.waiting('welcome', 1))).toEqual([{ nodeId: 'w', count: 3 }]);
  });

  it('"$stay" leaves runs on the old version and "$exit" ends them, recorded as exited by the migration', async () => {
    const h = await withWaiting(journey('v1'));
    await h.journeys.deploy(journey('v2', { duration: '3d' }, [], 'w-new'));
    expect(await migrateJourney(h.storage, h.clock, 'welcome', { mapping: { w: '$stay' } })).toMatchObject({ moved: 0, stayed: 1 });
    expect((await h.runsOf('ann'))[0]).toMatchObject({ version: 1, status: 'waiting' });
    expect(await migrateJourney(h.storage, h.clock, 'welcome', { mapping: { w: '$exit' } })).toMatchObject({ exited: 1 });
    expect((await h.runsOf('ann'))[0]).toMatchObject({ version: 1, status: 'exited', endReason: 'migration' });
  });

  it('the old bare words "stay" and "exit" still choose, where the new version has no node of that name', async () => {
    const h = await withWaiting(journey('v1'), ['ann', 'bob']);
    await h.journeys.deploy(journey('v2', { duration: '3d' }, [], 'w-new'));
    expect(await migrateJourney(h.storage, h.clock, 'welcome', { mapping: { w: 'stay' }, dryRun: true })).toMatchObject({ stayed: 2, moves: [{ from: 'w', to: '$stay' }] });
    expect(await migrateJourney(h.storage, h.clock, 'welcome', { mapping: { w: 'exit' } })).toMatchObject({ exited: 2 });
  });

  it('a node named "exit" is a node: runs waiting at it keep waiting, and a removed node can be mapped to it', async () => {
    // v1 waits at a node named "exit"; v2 keeps it. Kept nodes map to themselves: the runs move, not end.
    const h = await withWaiting(journey('v1', { duration: '3d' }, [], 'exit'));
    await h.journeys.deploy(journey('v2', { duration: '3d' }, [], 'exit'));
    expect(await migrateJourney(h.storage, h.clock, 'welcome', {})).toMatchObject({ moved: 1, exited: 0, moves: [{ from: 'exit', to: 'exit', runs: 1 }] });
    expect((await h.runsOf('ann'))[0]).toMatchObject({ version: 2, nodeId: 'exit', status: 'waiting' });
    // v3 renames the wait to "stay"; v2's "exit" is mapped to it by name, and the run keeps waiting there.
    await h.journeys.deploy(journey('v3', { duration: '3d' }, [], 'stay'));
    expect(await migrateJourney(h.storage, h.clock, 'welcome', { mapping: { exit: 'stay' } })).toMatchObject({ moved: 1, stayed: 0 });
    expect((await h.runsOf('ann'))[0]).toMatchObject({ version: 3, nodeId: 'stay', status: 'waiting' });
    await h.advance('3d');
    expect((await h.runsOf('ann'))[0]).toMatchObject({ status: 'completed', endReason: 'v3' });
  });

  it('refuses to move waiting runs to a trigger: that would run the journey for them again (profile updates, mail)', async () => {
    const h = await withWaiting(journey('v1'));
    await h.journeys.deploy(journey('v2', { duration: '5d' }, [], 'w2'));
    await expect(migrateJourney(h.storage, h.clock, 'welcome', { mapping: { w: 't' } })).rejects.toMatchObject({
      code: 'invalid_migration',
      field: 'mapping.w',
      message: expect.stringContaining('mapping.w: "t" is where customers enter v2; moving runs there would take them through the journey again: choose a node of v2 after it ("w2", "x"), "$stay" or "$exit"'),
    });
    expect((await h.runsOf('ann'))[0]).toMatchObject({ version: 1, nodeId: 'w', status: 'waiting' });
  });

  it('planMigration: an unknown old node in the mapping is a problem; a mapping to a new node of the same type and config keeps the wait', () => {
    const g = (nodes: [string, string, object][]) => ({ nodes: nodes.map(([id, type, config]) => ({ id, type, config: config as Record<string, unknown> })), edges: [{ source: 't', target: nodes[0]![0] }] });
    const from = { version: 1, graph: g([['a', 'wait.delay', { duration: '1d' }]]) };
    const to = { version: 2, graph: g([['b', 'wait.delay', { duration: '1d' }]]) };
    expect(planMigration(from, to, { a: 'b', zz: 'b' }, [{ nodeId: 'a', count: 2 }])).toEqual({
      plan: { fromVersion: 1, toVersion: 2, moves: [{ from: 'a', to: 'b', runs: 2, replan: false }] },
      problems: [{ field: 'mapping.zz', message: 'mapping.zz: v1 has no node "zz"' }],
    });
  });
});

describe('POST /api/journeys/:id/migrate', () => {
  let s: TestServer | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('answers the dry run with counts, refuses a missing choice with 400 naming the field, then applies', async () => {
    s = await startTestServer({ start: T0 });
    const h = await s.key('admin');
    const deploy = async (doc: object) => {
      await s!.call('PUT', '/api/journeys/welcome/draft', { json: { graph: doc }, headers: h });
      expect((await s!.call('POST', '/api/journeys/welcome/publish', { headers: h })).status).toBe(200);
    };
    expect((await s.call('POST', '/api/journeys', { json: { name: 'Welcome' }, headers: h })).status).toBe(201);
    await deploy(journey('v1'));
    expect((await s.call('POST', '/api/track', { json: { customerId: 'ann', type: 'signup' }, headers: h })).status).toBeLessThan(300);
    await s.running.engine.runUntilIdle();
    await deploy(journey('v2', { duration: '3d' }, [], 'w-new'));
    const refused = await s.call('POST', '/api/journeys/welcome/migrate', { json: { dryRun: true }, headers: h });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_migration', field: 'mapping.w' });
    const dry = await s.call('POST', '/api/journeys/welcome/migrate', { json: { dryRun: true, mapping: { w: 'w-new' } }, headers: h });
    expect(dry.body).toMatchObject({ dryRun: true, fromVersion: 1, toVersion: 2, moves: [{ from: 'w', to: 'w-new', runs: 1, replan: false }] });
    const applied = await s.call('POST', '/api/journeys/welcome/migrate', { json: { mapping: { w: 'w-new' } }, headers: h });
    expect(applied.body).toMatchObject({ dryRun: false, moved: 1 });
    expect((await s.storage.runs.forCustomer((await s.storage.customers.byExternalId('ann'))!.id))[0]).toMatchObject({ version: 2, nodeId: 'w-new' });
  });
});
