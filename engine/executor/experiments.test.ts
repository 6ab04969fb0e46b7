import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../core/hash.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { thompsonWeights } from '../../nodes/split-ab/stats.ts';
import { withWinner } from '../../nodes/split-ab/winner.ts';
import { splitArms } from './experiments.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const FLOOR = 0.1;

/** signup → split (auto-allocated a / b) → a 1-day wait on each path; goal: a purchase within 2 days. */
const journey = {
  id: 'offer',
  name: 'Offer',
  settings: { goal: { event: 'purchase', within: '2d' } },
  nodes: [
    { id: 't', type: 'trigger.event', config: { event: 'signup' } },
    {
      id: 'split',
      type: 'split.ab',
      config: { variants: [{ name: 'a', weight: 50 }, { name: 'b', weight: 50 }], autoAllocate: true, minSamplePerArm: 100, explorationFloor: FLOOR },
    },
    { id: 'wa', type: 'wait.delay', config: { duration: '1d' } },
    { id: 'wb', type: 'wait.delay', config: { duration: '1d' } },
  ],
  edges: [
    { id: 'e1', source: 't', sourceHandle: 'next', target: 'split' },
    { id: 'e2', source: 'split', sourceHandle: 'a', target: 'wa' },
    { id: 'e3', source: 'split', sourceHandle: 'b', target: 'wb' },
  ],
};

/** Signs `ids` up and returns, per customer, the split step of their latest run. */
async function signUp(ids: string[]) {
  await h!.track(ids.map((id) => ({ customerId: id, type: 'signup' })));
  return Promise.all(
    ids.map(async (id) => {
      const runs = await h!.runsOf(id);
      const run = runs[runs.length - 1]!;
      const step = (await h!.storage.runs.history(run.id)).find((s) => s.nodeId === 'split' && s.kind === 'port')!;
      return { id, run, variant: step.port!, trace: step.detail as { allocation: string | Record<string, number>; hash?: number } };
    }),
  );
}

describe('split.ab auto-allocation on live counts (Thompson sampling)', () => {
  it('keeps the set weights until each variant has enough customers, then moves toward the better one, never below the floor', async () => {
    h = createHarness({ start: '2026-05-04T08:00:00Z' });
    await h.journeys.deploy(journey);

    // 1. 400 customers: too few per variant yet, so the set 50/50 weights hold.
    const first = await signUp(Array.from({ length: 400 }, (_, i) => `first-${i}`));
    expect(first.every((c) => String(c.trace.allocation).startsWith('fixed (fewer than 100'))).toBe(true);
    const inA = first.filter((c) => c.variant === 'a');
    const inB = first.filter((c) => c.variant === 'b');
    expect(inA.length).toBeGreaterThanOrEqual(100);
    expect(inB.length).toBeGreaterThanOrEqual(100);

    // 2. Variant b converts far better: 2 in 5 of its customers buy, 1 in 20 of a's, while their runs wait.
    const buyersA = inA.filter((_, i) => i % 20 === 0);
    const buyersB = inB.filter((_, i) => i % 5 < 2);
    const buyers = [...buyersA, ...buyersB];
    await h.advance('1h');
    await h.track(buyers.map((c) => ({ customerId: c.id, type: 'purchase' })));
    expect(await splitArms(h.storage, 'offer', 'split')).toEqual(
      expect.arrayContaining([
        { name: 'a', runs: inA.length, conversions: buyersA.length },
        { name: 'b', runs: inB.length, conversions: buyersB.length },
      ]),
    );

    // 3. The next 400 are allocated from the posteriors: b gets most, a keeps at least the floor.
    const second = await signUp(Array.from({ length: 400 }, (_, i) => `second-${i}`));
    for (const c of second) {
      const alloc = c.trace.allocation as Record<string, number>;
      expect(alloc.a).toBeGreaterThanOrEqual(FLOOR - 1e-12);
      expect(alloc.b).toBeGreaterThan(0.85);
      expect(alloc.a! + alloc.b!).toBeCloseTo(1, 12);
    }
    const secondB = second.filter((c) => c.variant === 'b').length;
    expect(secondB).toBeGreaterThan(300);
    expect(400 - secondB).toBeGreaterThan(10); // the floor keeps a exploring

    // The allocation in the trace is reproducible from the run's seed and the counts it saw.
    const arms = [
      { name: 'a', runs: inA.length, conversions: buyersA.length },
      { name: 'b', runs: inB.length, conversions: buyersB.length },
    ];
    const one = second[0]!;
    const visit = (await h.storage.runs.history(one.run.id)).find((s) => s.nodeId === 'split')!.visit;
    expect(thompsonWeights(arms, { floor: FLOOR, draws: 1000, random: seededRandom(`${one.run.id}:split:${visit}`) })).toEqual(one.trace.allocation);
  });
});

describe('declare winner', () => {
  it('publishes a new version that routes everyone at the split to the winner; runs in flight stay on theirs', async () => {
    h = createHarness({ start: '2026-05-04T08:00:00Z' });
    await h.journeys.deploy({ ...journey, nodes: journey.nodes.map((n) => (n.id === 'split' ? { ...n, config: { ...n.config, autoAllocate: false, holdout: 0.2 } } : n)) });
    const before = await signUp(Array.from({ length: 60 }, (_, i) => `before-${i}`));
    expect(new Set(before.map((c) => c.variant))).toEqual(new Set(['a', 'b', 'holdout']));

    const { version } = await h.journeys.publishEdit('offer', (g) => withWinner(g, 'split', 'b'));
    expect(version).toBe(2);
    const after = await signUp(Array.from({ length: 100 }, (_, i) => `after-${i}`));
    expect(after.every((c) => c.variant === 'b' && c.run.version === 2 && c.trace.allocation === 'winner declared')).toBe(true);
    // Those already inside keep the version they entered.
    expect(before.every((c) => c.run.version === 1)).toBe(true);
    // The draft carries the winner too, so the next publish keeps it.
    const draft = (await h.storage.journeys.get('offer'))!.draft as typeof journey;
    expect(draft.nodes.find((n) => n.id === 'split')!.config).toMatchObject({ winner: 'b', autoAllocate: false });
  });

  it('refuses a variant or node that is not there, naming the field', async () => {
    h = createHarness({ start: '2026-05-04T08:00:00Z' });
    await h.journeys.deploy(journey);
    await expect(h.journeys.publishEdit('offer', (g) => withWinner(g, 'split', 'c'))).rejects.toMatchObject({ field: 'variant', message: expect.stringContaining('choose one of a, b') });
    await expect(h.journeys.publishEdit('offer', (g) => withWinner(g, 'wa', 'a'))).rejects.toMatchObject({ field: 'node' });
    expect((await h.storage.journeys.get('offer'))!.liveVersion).toBe(1);
  });
});
