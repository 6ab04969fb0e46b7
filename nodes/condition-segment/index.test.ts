import { describe, expect, it } from 'vitest';
import { validateJourney } from '../../engine/graph/validate.ts';
import type { NodeServices } from '../../engine/plugin/services.ts';
import { defaultProviders } from '../../engine/providers.ts';
import { createHarness } from '../../engine/testing/harness.ts';
import { nodeContext } from '../../engine/testing/node-context.ts';
import { builtinRegistry } from '../index.ts';
import node from './index.ts';

const NOW = new Date('2024-03-01T00:00:00Z');
const DAY = 86_400_000;

const vipShoeLover = {
  all: [
    { event: 'viewed_category', where: [{ path: 'category', op: 'eq', value: 'shoes' }], within: '7d', op: 'gte', value: 2 },
    { any: [{ valueTier: ['high'] }, { orders: 'total', op: 'gte', value: 200 }] },
  ],
};

function services(views: number, spent: number, tier: string | null) {
  const scores: Awaited<ReturnType<NodeServices['scores']>> = tier ? { value_tier: { value: null, data: { tier }, scoredAt: NOW } } : {};
  return {
    countEvents: async () => views,
    lastEventAt: async () => null,
    orders: async () => (spent ? [{ orderId: 'o', orderedAt: new Date(NOW.getTime() - 3 * DAY), amount: spent, quantity: 1, items: [] }] : []),
    scores: async () => scores,
  };
}

describe('condition.segment', () => {
  it.each([
    ['two views and a high tier', services(2, 0, 'high'), 'yes'],
    ['two views and 250 spent', services(2, 250, 'low'), 'yes'],
    ['two views, low tier, little spend', services(2, 50, 'low'), 'no'],
    ['one view', services(1, 900, 'high'), 'no'],
  ])('inline conditions: %s → %s, with the inputs traced', async (_label, svc, port) => {
    const r = await node.run(nodeContext(node, { definition: vipShoeLover }, { now: NOW, services: svc }));
    expect(r).toMatchObject({ next: port, trace: { matched: port === 'yes' } });
    const checks = r.trace!.checks as { path: string; value: unknown }[];
    expect(checks[0]).toEqual({ path: 'all.0', kind: 'event', value: (await svc.countEvents()), result: (await svc.countEvents()) >= 2 });
  });

  it.each([
    [true, 'yes'],
    [false, 'no'],
  ])('saved segment membership %s → %s', async (member, port) => {
    const asked: string[] = [];
    const checks = [{ path: '', kind: 'attribute', value: member ? 'pro' : 'free', result: member }];
    const ctx = nodeContext(node, { segment: ' vip ' }, { services: { segment: async (n) => (asked.push(n), { matched: member, checks }) } });
    expect(await node.run(ctx)).toEqual({ next: port, trace: { segment: 'vip', matched: member, checks } });
    expect(asked).toEqual(['vip']);
  });

  it.each([
    [{}, 'segment', /name a saved segment or write conditions/],
    [{ segment: 'vip', definition: vipShoeLover }, 'definition', /either a saved segment or conditions/],
    [{ definition: { all: [{ orders: 'count', op: 'more', value: 1 }] } }, 'definition.all.0.op', /use one of eq/],
  ])('validation %#', (config, field, message) => {
    const r = validateJourney(
      { id: 'j', name: 'J', nodes: [{ id: 't', type: 'trigger.event', config: { event: 'x' } }, { id: 'c', type: 'condition.segment', config }], edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'c' }] },
      builtinRegistry(),
    );
    const p = r.problems.find((x) => x.nodeId === 'c');
    expect(p?.field).toBe(field);
    expect(p?.message).toMatch(message);
  });

  it('routes customers by a saved segment in a live journey, evaluated with stored data', async () => {
    const providers = {};
    const h = createHarness({ start: '2024-03-01T00:00:00Z', providers });
    // The engine keeps the providers object it was given: fill it once the storage exists.
    Object.assign(providers, defaultProviders(h.storage));
    try {
      await h.storage.segments.save({ name: 'big-spenders', definition: { orders: 'total', op: 'gte', value: 100 } }, h.clock.now().getTime());
      await h.journeys.deploy({
        id: 'j',
        name: 'J',
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'checkin' } },
          { id: 'c', type: 'condition.segment', config: { segment: 'big-spenders' } },
        ],
        edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'c' }],
      });
      await h.identify([{ customerId: 'rich' }, { customerId: 'thrifty' }]);
      await h.orders([
        { customerId: 'rich', orderId: 'r1', orderedAt: '2024-02-01T00:00:00Z', amount: 150 },
        { customerId: 'thrifty', orderId: 't1', orderedAt: '2024-02-01T00:00:00Z', amount: 15 },
      ]);
      await h.track([
        { customerId: 'rich', type: 'checkin' },
        { customerId: 'thrifty', type: 'checkin' },
      ]);
      // The trace says why: the order total the saved definition was checked against.
      for (const [who, port, total] of [['rich', 'yes', 150], ['thrifty', 'no', 15]] as const) {
        const [run] = await h.runsOf(who);
        const hist = await h.storage.runs.history(run!.id);
        expect(hist.find((x) => x.nodeId === 'c')).toMatchObject({
          kind: 'port',
          port,
          detail: { segment: 'big-spenders', matched: port === 'yes', checks: [{ kind: 'orders.total', value: total, result: port === 'yes' }] },
        });
      }
    } finally {
      await h.close();
    }
  });
});
