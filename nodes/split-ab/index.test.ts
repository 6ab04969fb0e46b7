import { describe, expect, it } from 'vitest';
import { hashUnit } from '../../engine/core/hash.ts';
import { validateJourney } from '../../engine/graph/validate.ts';
import { createHarness } from '../../engine/testing/harness.ts';
import { nodeContext } from '../../engine/testing/node-context.ts';
import { builtinRegistry } from '../index.ts';
import node, { pick, variantProblems } from './index.ts';
import { abReport } from './stats.ts';

const ab = [
  { name: 'a', weight: 50 },
  { name: 'b', weight: 50 },
];

async function assign(config: Record<string, unknown>, externalId: string, run = { id: 1, visit: 1 }) {
  const ctx = nodeContext(node, config, { customer: { externalId } });
  ctx.run = { ...ctx.run, ...run };
  const r = await node.run(ctx);
  if (!('next' in r)) throw new Error('split.ab must choose a port');
  return r;
}

describe('split.ab', () => {
  it.each([
    [{ variants: ab }, ['a', 'b']],
    [{ variants: ab, holdout: 0.1 }, ['a', 'b', 'holdout']],
    [{ variants: [...ab, { name: 'c-3', weight: 1 }], holdout: 0.5 }, ['a', 'b', 'c-3', 'holdout']],
  ])('ports follow the config %#; every port is reached', async (config, ports) => {
    expect(builtinRegistry().portsOf(node, config)).toEqual(ports);
    const reached = new Set<string>();
    for (let i = 0; i < 500; i++) reached.add((await assign(config, `c${i}`)).next);
    expect([...reached].sort()).toEqual([...ports].sort());
  });

  it.each([
    ['50/50', ab, 0, { a: 0.5, b: 0.5 }],
    ['70/20/10', [{ name: 'a', weight: 70 }, { name: 'b', weight: 20 }, { name: 'c', weight: 10 }], 0, { a: 0.7, b: 0.2, c: 0.1 }],
    ['1:3 with 20 % holdout', [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }], 0.2, { a: 0.2, b: 0.6, holdout: 0.2 }],
  ])('respects weights over 10,000 customers: %s', async (_label, variants, holdout, expected) => {
    const n = 10_000;
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const r = await assign({ experiment: 'exp-weights', variants, holdout }, `cust-${i}`);
      counts[r.next] = (counts[r.next] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, share] of Object.entries(expected)) expect(Math.abs(counts[name]! / n - share)).toBeLessThanOrEqual(0.02);
  });

  it('gives the same customer the same variant on re-entry, and traces experiment, variant and hash', async () => {
    for (let i = 0; i < 50; i++) {
      const first = await assign({ experiment: 'sticky', variants: ab, holdout: 0.2 }, `c${i}`, { id: 1, visit: 1 });
      const again = await assign({ experiment: 'sticky', variants: ab, holdout: 0.2 }, `c${i}`, { id: 99 + i, visit: 7 });
      expect(again.next).toBe(first.next);
      expect(first.trace).toMatchObject({ experiment: 'sticky', variant: first.next, hash: hashUnit(`sticky:c${i}`) });
    }
  });

  it('derives the experiment id from journey and node when empty', async () => {
    const r = await assign({ variants: ab }, 'c1');
    expect(r.trace).toMatchObject({ experiment: 'j:n1', hash: hashUnit('j:n1:c1') });
  });

  it('skips auto-allocation when no statistics service exists', async () => {
    const r = await assign({ variants: ab, autoAllocate: true }, 'c1');
    expect(r.trace?.allocation).toMatch(/^fixed \(no experiment statistics/);
  });

  it('auto-allocates with Thompson sampling when a statistics service provides counts', async () => {
    const experimentStats = () => [
      { name: 'a', runs: 1000, conversions: 50 },
      { name: 'b', runs: 1000, conversions: 150 },
    ];
    const ctx = nodeContext(node, { variants: ab, autoAllocate: true, explorationFloor: 0.1 }, { services: { experimentStats } as never });
    const r = await node.run(ctx);
    const alloc = (r.trace as { allocation: Record<string, number> }).allocation;
    expect(alloc.a).toBeCloseTo(0.1, 6);
    expect(alloc.b).toBeCloseTo(0.9, 6);
  });

  it('picks by cumulative weight after the holdout', () => {
    expect(pick(0.05, ab, 0.1)).toBe('holdout');
    expect(pick(0.5, ab, 0.1)).toBe('a');
    expect(pick(0.56, ab, 0.1)).toBe('b');
    expect(pick(0.999999, ab, 0)).toBe('b');
  });

  it.each([
    [[{ name: 'a', weight: 1 }], /at least 2 variants/],
    [[{ name: 'a', weight: 1 }, { name: 'a', weight: 1 }], /used twice/],
    [[{ name: 'a b', weight: 1 }, { name: 'c', weight: 1 }], /letters, digits/],
    [[{ name: 'a', weight: 0 }, { name: 'c', weight: 1 }], /weight must be a positive number/],
    [[{ name: 'a', weight: 1 }, { name: 'holdout', weight: 1 }], /reserved/],
    ['a,b', /give a list/],
  ])('explains invalid variants %#', (variants, message) => {
    expect(variantProblems(variants).map((p) => p.message).join('\n')).toMatch(message);
    expect(variantProblems(variants).every((p) => p.field.startsWith('variants'))).toBe(true);
  });

  it('reports config problems through the journey validator', () => {
    const r = validateJourney(
      {
        id: 'j',
        name: 'J',
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'go' } },
          { id: 's', type: 'split.ab', config: { variants: [{ name: 'a', weight: 1 }], control: 'z', holdout: 0.7 } },
        ],
        edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 's' }],
      },
      builtinRegistry(),
    );
    expect(r.ok).toBe(false);
    const fields = r.problems.filter((p) => p.nodeId === 's').map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['variants', 'control', 'holdout']));
  });

  it('credits journey-goal conversions to the variant each customer got (end to end)', async () => {
    const h = createHarness();
    try {
      const variants = [
        { name: 'a', weight: 1 },
        { name: 'b', weight: 1 },
      ];
      await h.journeys.deploy({
        id: 'j',
        name: 'J',
        settings: { reentry: 'once', goal: { event: 'purchase', within: '7d' } },
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'go' } },
          { id: 's', type: 'split.ab', config: { variants, holdout: 0.2 } },
          { id: 'w', type: 'wait.delay', config: { duration: '14d' } },
        ],
        edges: ['a', 'b', 'holdout'].map((p) => ({ id: `e-${p}`, source: 's', sourceHandle: p, target: 'w' })).concat({ id: 'e-t', source: 't', sourceHandle: 'next', target: 's' }),
      });
      const ids = Array.from({ length: 120 }, (_, i) => `cust${i}`);
      const variantOf = (id: string) => pick(hashUnit(`j:s:${id}`), variants, 0.2);
      await h.track(ids.map((customerId) => ({ customerId, type: 'go' })));
      await h.advance('1h');
      // Everyone in b buys, every second customer in a, nobody in the holdout.
      const buyers = ids.filter((id, i) => variantOf(id) === 'b' || (variantOf(id) === 'a' && i % 2 === 0));
      await h.track(buyers.map((customerId) => ({ customerId, type: 'purchase' })));
      await h.advance('1h');

      const expectedPorts: Record<string, number> = {};
      const expectedConv: Record<string, number> = {};
      for (const id of ids) expectedPorts[variantOf(id)] = (expectedPorts[variantOf(id)] ?? 0) + 1;
      for (const id of buyers) expectedConv[variantOf(id)] = (expectedConv[variantOf(id)] ?? 0) + 1;
      expect(Object.keys(expectedPorts).sort()).toEqual(['a', 'b', 'holdout']);

      const stats = await h.journeys.stats('j');
      expect(stats.converted).toBe(buyers.length);
      expect(stats.nodes.s!.ports).toEqual(expectedPorts);
      expect(stats.nodes.s!.converted).toEqual(expectedConv);

      const table = abReport(stats.nodes.s, { variants: ['a', 'b'], control: 'a' });
      expect(table.map((r) => [r.variant, r.runs, r.conversions])).toEqual([
        ['a', expectedPorts.a, expectedConv.a],
        ['b', expectedPorts.b, expectedConv.b],
        ['holdout', expectedPorts.holdout, 0],
      ]);
      expect(table[1]!.rate).toBe(1);
      expect(table[1]!.probBeatControl).toBeGreaterThan(0.99);
    } finally {
      await h.close();
    }
  });
});
