import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../executor/engine.ts';
import { startTestServer, type TestServer } from '../http/test-server.ts';
import { assertNoRejections, trackEvents } from '../ingest/ingest.ts';
import { JourneyService } from '../journeys.ts';
import { builtinRegistry } from '../../nodes/index.ts';
import { defineNode } from '../plugin/define-node.ts';

const sms = defineNode({
  type: 'acme.sms',
  version: 1,
  label: 'SMS',
  category: 'action',
  description: 'Sends an SMS (tests only).',
  fields: [],
  ports: ['next'],
  run: () => ({ next: 'next' }),
});

const journey = (id: string, nodes: { id: string; type: string; config?: Record<string, unknown> }[]) => ({
  id,
  name: id,
  settings: { reentry: 'once' },
  nodes: [{ id: 'start', type: 'trigger.event', config: { event: 'signup' } }, ...nodes],
  edges: nodes.map((n, i) => ({ id: `e${i}`, source: i === 0 ? 'start' : nodes[i - 1]!.id, sourceHandle: 'next', target: n.id })),
});

let s: TestServer;
afterEach(async () => s?.close());

describe('a live journey whose plugin is missing', () => {
  it('waits with the reason shown in /healthz and the journey list, while every other journey goes on', async () => {
    const withPlugin = builtinRegistry().use({ name: 'acme-sms', nodes: [sms] });
    // The server starts with the built-in nodes only: the plugin is missing from its config.
    s = await startTestServer();
    const before = new Engine({ storage: s.storage, registry: withPlugin, clock: s.clock });
    const deployer = new JourneyService(s.storage, withPlugin, s.clock);
    await deployer.deploy(journey('sms', [{ id: 'wait', type: 'wait.delay', config: { duration: '1d' } }, { id: 'text', type: 'acme.sms' }]));
    await deployer.deploy(journey('welcome', [{ id: 'bye', type: 'flow.exit', config: { reason: 'done' } }]));
    const track = async (customerId: string) => assertNoRejections(await trackEvents(s.storage, s.clock, [{ customerId, type: 'signup' }]));
    await track('early');
    await before.runUntilIdle();

    s.clock.advance(2 * 86_400_000);
    await track('late');
    await s.running.engine.runUntilIdle();
    const runs = async (customerId: string) => {
      const c = await s.storage.customers.byExternalId(customerId);
      return Object.fromEntries((await s.storage.runs.forCustomer(c!.id)).map((r) => [r.journeyId, r]));
    };
    // The other journey enrolls; the waiting run waits (not failed) and is tried again later.
    expect((await runs('late')).welcome?.status).toBe('completed');
    expect((await runs('late')).sms).toBeUndefined();
    const early = (await runs('early')).sms!;
    expect(early).toMatchObject({ status: 'waiting', nodeId: 'wait', error: null });
    expect(early.wakeAt).toBeGreaterThan(s.clock.now().getTime());

    const reason = expect.stringMatching(/node type "acme\.sms" is not loaded; start the server with the plugin that provides it/);
    expect((await s.call('GET', '/healthz')).body).toEqual({ ok: true, details: { journeysWaiting: [{ id: 'sms', reason }] } });
    const list = (await s.call('GET', '/api/journeys', { headers: await s.key('admin') })).body.journeys;
    expect(list.find((j: { id: string }) => j.id === 'sms')).toMatchObject({ unavailable: reason });
    expect(list.find((j: { id: string }) => j.id === 'welcome')).not.toHaveProperty('unavailable');

    // With the plugin back, the waiting run goes on.
    s.clock.advance(61_000);
    await before.runUntilIdle();
    expect((await runs('early')).sms).toMatchObject({ status: 'completed', nodeId: 'text' });
  });
});

describe('a published version that no longer validates against the loaded plugins', () => {
  it('waits with the reason instead of failing its runs or stopping the engine', async () => {
    // The plugin's new release requires a field the published version does not have.
    const changed = defineNode({ ...sms, fields: [{ key: 'to', label: 'To', kind: 'text', required: true }] });
    s = await startTestServer({ registry: builtinRegistry().use({ name: 'acme-sms', nodes: [changed] }) });
    const old = new JourneyService(s.storage, builtinRegistry().use({ name: 'acme-sms', nodes: [sms] }), s.clock);
    await old.deploy(journey('sms', [{ id: 'wait', type: 'wait.delay', config: { duration: '1d' } }, { id: 'text', type: 'acme.sms' }]));
    await old.deploy(journey('welcome', [{ id: 'bye', type: 'flow.exit', config: { reason: 'done' } }]));
    assertNoRejections(await trackEvents(s.storage, s.clock, [{ customerId: 'c1', type: 'signup' }]));
    await s.running.engine.runUntilIdle();
    const c = await s.storage.customers.byExternalId('c1');
    expect((await s.storage.runs.forCustomer(c!.id)).map((r) => [r.journeyId, r.status])).toEqual([['welcome', 'completed']]);
    expect((await s.call('GET', '/healthz')).body.details.journeysWaiting).toEqual([
      { id: 'sms', reason: expect.stringMatching(/^its published version no longer validates here: node "text" \(acme\.sms\): To is required/) },
    ]);
  });
});
