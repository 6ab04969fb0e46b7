import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceProviders } from '../../engine/executor/services.ts';
import type { PurchasePrediction } from '../../engine/plugin/services.ts';
import { createHarness, type Harness } from '../../engine/testing/harness.ts';
import { nodeContext } from '../../engine/testing/node-context.ts';
import node from './index.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');
const day = (n: number) => new Date(T0 + n * DAY);
const predicted = (n: number, source = 'median-gap'): PurchasePrediction => ({ at: day(n), low: day(n - 1), high: day(n + 1), source, cycleDays: 10 });

describe('wait.purchaseCycle (unit)', () => {
  it.each([
    ['3 days before a prediction on day 20', { offset: '3d' }, predicted(20), day(17)],
    ['2 days after it', { offset: '2d', direction: 'after' }, predicted(20), day(22)],
    ['no prediction: the fallback', { fallback: '14d' }, null, day(14)],
    ['an overdue customer waits the minimum', { minWait: '2d' }, predicted(-5), day(2)],
    ['a far prediction is capped at the maximum', { maxWait: '30d' }, predicted(400, 'population'), day(30)],
  ])('%s', async (_label, config, prediction, until) => {
    const r = await node.run(nodeContext(node, config, { now: day(0), services: { nextPurchase: async () => prediction } }));
    expect(r).toMatchObject({ wait: { until, event: { type: 'purchase', where: [], port: 'purchased' } }, trace: { due: until.toISOString(), source: prediction?.source ?? 'fallback' } });
    expect('timeoutPort' in (r as { wait: object }).wait).toBe(false);
  });

  it.each([
    ['the prediction moved later: wait again', predicted(25), { wait: { until: day(25) } }],
    ['the prediction still says now: due', predicted(20), { next: 'due', trace: { replanned: true } }],
    ['the prediction moved earlier: due at once', predicted(15), { next: 'due' }],
  ])('woken by time: %s', async (_label, prediction, expected) => {
    const ctx = nodeContext(node, {}, { now: day(20), services: { nextPurchase: async () => prediction }, wake: { kind: 'time', waitedSince: day(0) } });
    ctx.run = { ...ctx.run, nodeEnteredAt: day(0) };
    expect(await node.run(ctx)).toMatchObject(expected);
  });
});

describe('wait.purchaseCycle on the next-purchase distribution', () => {
  // The models' deciles: P(purchased by day 10k) = k/10 for k = 1..6, the rest beyond the horizon.
  const distribution = (): PurchasePrediction => ({
    at: day(50),
    low: day(10),
    high: null,
    source: 'own-cycle',
    cycleDays: 30,
    from: day(0),
    deciles: [10, 20, 30, 40, 50, 60, null, null, null].map((d) => (d === null ? null : day(d))),
  });
  const run = (config: Record<string, unknown>, prediction: PurchasePrediction | null) =>
    node.run(nodeContext(node, config, { now: day(0), services: { nextPurchase: async () => prediction } }));

  it('waits until P(purchased by now) reaches the level, and records the probability it acted on', async () => {
    const r = await run({ mode: 'probability', probability: 0.35 }, distribution());
    // Between the 30 % (day 30) and 40 % (day 40) deciles: day 35.
    expect(r).toMatchObject({ wait: { until: day(35) }, trace: { mode: 'probability', target: 0.35, source: 'own-cycle' } });
    expect((r as { trace?: Record<string, unknown> }).trace!.probability as number).toBeCloseTo(0.35, 10);
  });

  it('a level the customer is not expected to reach within the horizon waits the maximum', async () => {
    const r = await run({ mode: 'probability', probability: 0.8, maxWait: '90d' }, distribution());
    expect(r).toMatchObject({ wait: { until: day(90) }, trace: { probability: 0.6 } });
  });

  it('offset mode records P(purchased) at the due time; no date within the horizon waits the maximum', async () => {
    const r = await run({ offset: '10d', direction: 'before' }, distribution());
    expect(r).toMatchObject({ wait: { until: day(40) }, trace: { mode: 'offset', probability: 0.4 } });
    const none = await run({ maxWait: '60d' }, { ...distribution(), at: null, deciles: Array(9).fill(null) });
    expect(none).toMatchObject({ wait: { until: day(60) }, trace: { predicted: null, probability: 0 } });
  });

  it('offset mode follows the distribution\'s median when the date is left empty (beyond the churn window)', async () => {
    const r = await run({ offset: '5d', direction: 'after' }, { ...distribution(), at: null });
    expect(r).toMatchObject({ wait: { until: day(55) }, trace: { mode: 'offset', predicted: day(50).toISOString() } });
  });

  it('without deciles (the engine default) reads low / median / high as 10 % / 50 % / 90 %', async () => {
    const r = await run({ mode: 'probability', probability: 0.7 }, predicted(20));
    // low day 19 (10 %), median day 20 (50 %), high day 21 (90 %): 70 % half way from 20 to 21.
    expect(r).toMatchObject({ wait: { until: new Date(T0 + 20.5 * DAY) } });
  });
});

describe('wait.purchaseCycle (engine)', () => {
  let h: Harness;
  afterEach(() => h.close());

  const journey = {
    id: 'replenish',
    name: 'Replenish',
    nodes: [
      { id: 't', type: 'trigger.event', config: { event: 'checkin' } },
      { id: 'w', type: 'wait.purchaseCycle', config: { offset: '2d', direction: 'before' } },
    ],
    edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'w' }],
  };

  async function start(orderDays: number[], enterOn: number, providers?: ServiceProviders) {
    h = createHarness({ start: day(-40).toISOString(), providers });
    await h.orders(orderDays.map((d, i) => ({ customerId: 'c', orderId: `o${i}`, orderedAt: day(d).toISOString(), amount: 20 })));
    h.clock.set(day(enterOn));
    await h.journeys.deploy(journey);
    await h.track([{ customerId: 'c', type: 'checkin' }]);
  }

  async function state() {
    const [run] = await h.runsOf('c');
    const hist = await h.storage.runs.history(run!.id);
    return { status: run!.status, wakeAt: run!.wakeAt === null ? null : new Date(run!.wakeAt), ports: hist.filter((x) => x.kind === 'port' && x.nodeId === 'w').map((x) => x.port) };
  }

  it('leaves through "due" two days before the median-gap prediction', async () => {
    await start([0, 10, 20], 21); // median gap 10 → due to buy on day 30
    expect(await state()).toEqual({ status: 'waiting', wakeAt: day(28), ports: [] });
    await h.advance(day(28).getTime() - 1 - h.clock.now().getTime());
    expect((await state()).status).toBe('waiting');
    await h.advance(1);
    expect(await state()).toEqual({ status: 'completed', wakeAt: null, ports: ['due'] });
  });

  it('leaves through "purchased" when they buy first', async () => {
    await start([0, 10, 20], 21);
    await h.advance('3d');
    await h.orders([{ customerId: 'c', orderId: 'new', orderedAt: h.clock.now().toISOString(), amount: 30 }]);
    expect(await state()).toEqual({ status: 'completed', wakeAt: null, ports: ['purchased'] });
  });

  it('is re-scheduled when a newly imported order moves the prediction', async () => {
    await start([0, 4, 20], 21); // gaps 4, 16 → median 10 → buy on day 30, wake on 28
    expect((await state()).wakeAt).toEqual(day(28));
    // An older order arrives late (a back-office import): gaps 20, 4, 16 → median 16 → buy on day 36.
    await h.orders([{ customerId: 'c', orderId: 'old', orderedAt: day(-20).toISOString(), amount: 20 }]);
    await h.advance(day(28).getTime() - h.clock.now().getTime());
    expect(await state()).toEqual({ status: 'waiting', wakeAt: day(34), ports: [] });
    await h.advance('6d');
    expect(await state()).toEqual({ status: 'completed', wakeAt: null, ports: ['due'] });
  });

  it('follows a model refresh: later predictions postpone, earlier ones wake the run at once', async () => {
    // A stand-in for the models' provider: the prediction is whatever was last stored as `next_purchase`.
    const providers = {
      nextPurchase: async (customer: { id: number }) => {
        const s = (await h.storage.scores.forCustomer(customer.id)).find((x) => x.model === 'next_purchase');
        return s ? { at: new Date(s.value!), low: new Date(s.value!), high: new Date(s.value!), source: 'model', cycleDays: 10 } : null;
      },
    };
    const store = async (d: number) => h.storage.scores.put([{ customerId: await h.customerId('c'), model: 'next_purchase', value: day(d).getTime(), data: {}, modelVersion: 't', scoredAt: h.clock.now().getTime() }]);
    await start([0, 10, 20], 21, providers);
    await store(30);
    await h.storage.runs.wakeWaitingAt([{ journeyId: 'replenish', nodeId: 'w' }], h.clock.now().getTime());
    await h.advance(0);
    expect((await state()).wakeAt).toEqual(day(28));

    await store(40); // the model now expects the purchase later
    await h.advance(day(28).getTime() - h.clock.now().getTime());
    expect(await state()).toEqual({ status: 'waiting', wakeAt: day(38), ports: [] });

    await h.advance('1d');
    await store(32); // …and then earlier again: the models job wakes waiting runs to re-plan
    expect(await h.storage.runs.wakeWaitingAt([{ journeyId: 'replenish', nodeId: 'w' }], h.clock.now().getTime())).toBe(1);
    await h.advance(0);
    expect((await state()).wakeAt).toEqual(day(30));
    await h.advance('1d');
    expect(await state()).toEqual({ status: 'completed', wakeAt: null, ports: ['due'] });
  });
});
