import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceProviders } from '../executor/services.ts';
import { recordOrders, trackEvents } from '../ingest/ingest.ts';
import { defaultProviders } from '../providers.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { loadCdnowSample, PUBLISHED_BGNBD } from './cdnow.fixture.ts';
import { DEFAULT_MODELS_CRON, latestModelReport, type ModelReport, registerModelJobs, runScoringJob } from './job.ts';
import { PURCHASE_CYCLE_NODE } from './wake.ts';

const journey = {
  id: 'replenish',
  name: 'Replenish',
  nodes: [
    { id: 't', type: 'trigger.event', config: { event: 'enroll' } },
    { id: 'cycle', type: PURCHASE_CYCLE_NODE, config: { purchaseEvent: 'purchase' } },
    { id: 'x', type: 'flow.exit', config: {} },
  ],
  edges: [
    { id: 'e1', source: 't', sourceHandle: 'next', target: 'cycle' },
    { id: 'e2', source: 'cycle', sourceHandle: 'due', target: 'x' },
  ],
};

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * The CDNOW sample in storage, plus a regular buyer, an email-only lead and a customer with
 * no activity; the engine runs with the default providers (stored next-purchase predictions).
 */
async function cdnowHarness(): Promise<Harness> {
  const providers: ServiceProviders = {};
  const harness = createHarness({ start: '1997-09-30T12:00:00Z', providers });
  Object.assign(providers, defaultProviders(harness.storage));
  const storage = harness.storage;
  const { orders } = await loadCdnowSample();
  const all = [
    ...orders.map((o) => ({ customerId: o.customerId, orderId: o.orderId, orderedAt: o.orderedAt.toISOString(), amount: o.amount, quantity: o.quantity ?? 1 })),
    ...['1997-09-01', '1997-09-15', '1997-09-29'].map((day, k) => ({ customerId: 'regular', orderId: `r${k}`, orderedAt: `${day}T10:00:00Z`, amount: 20 })),
  ];
  const recorded = await recordOrders(storage, harness.clock, all);
  expect(recorded.rejected).toEqual([]);
  await harness.identify([{ customerId: 'idle', email: 'idle@example.com' }]);
  await trackEvents(storage, harness.clock, [
    { customerId: 'lead', type: 'email_opened', occurredAt: '1997-09-20T08:00:00Z' },
    { customerId: 'c1', type: 'email_clicked', occurredAt: '1997-09-21T08:00:00Z' },
  ]);
  return harness;
}

async function scoresOf(harness: Harness, externalId: string): Promise<Record<string, { value: number | null; data: Record<string, unknown>; modelVersion: string }>> {
  const rows = await harness.storage.scores.forCustomer(await harness.customerId(externalId));
  return Object.fromEntries(rows.map((r) => [r.model, r]));
}

describe('runScoringJob', () => {
  it('scores every stored customer, stamps model and version, and stores the model report', async () => {
    h = await cdnowHarness();
    const report = await runScoringJob(h.storage, h.clock, { timeUnit: 'week', horizon: 39, score: { personas: false } });
    expect(report.customers).toBe(2357 + 3);
    expect(Math.abs(report.models!.bgnbd.params.r / PUBLISHED_BGNBD.r - 1)).toBeLessThan(0.01);
    expect(report.models!.prospects).toBe(1); // the email-only lead
    expect(report.version).toMatch(/^m1-1997-09-30T12:00:00\.000Z$/);

    const c1 = await scoresOf(h, 'c1');
    expect(Object.keys(c1).sort()).toEqual(['churn', 'clv', 'engagement', 'lifecycle', 'next_purchase', 'persona', 'purchase', 'recommendations', 'rfm', 'value_tier']);
    // Churn = P(no purchase in the next 90 days): on CDNOW the out-of-time classifier beats the model on its own holdout and is used.
    expect(c1.churn!.data).toMatchObject({ windowDays: 90, model: report.models!.purchaseModel.name });
    expect(report.models!.churn).toMatchObject({ source: 'logistic', windowDays: 90, trainingCutoff: '1997-07-02' });
    expect(c1.churn!.value!).toBeGreaterThan(0);
    expect(c1.churn!.value!).toBeLessThan(1);
    expect(c1.lifecycle!.data).toEqual({ stage: 'repeat' });
    expect(c1.rfm!.data).toMatchObject({ segment: 'Champions' });
    expect(c1.value_tier!.data).toEqual({ tier: 'high' });
    expect(c1.next_purchase!.data).toMatchObject({ source: 'own-cycle' });
    expect(c1.clv!.modelVersion).toBe(report.version);
    // Two email interactions are too few to train the engagement model: stored as "no score".
    expect(report.models!.engagement).toMatchObject({ reason: expect.any(String) });
    expect(c1.engagement!.value).toBeNull();

    expect(Object.keys(await scoresOf(h, 'lead')).sort()).toEqual(['engagement', 'lifecycle', 'recommendations']);
    expect((await scoresOf(h, 'lead')).lifecycle!.data).toEqual({ stage: 'prospect' });
    expect(await scoresOf(h, 'idle')).toMatchObject({ lifecycle: { data: { stage: 'prospect' }, value: null } });

    expect(await latestModelReport(h.storage)).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('stores an out-of-time check: fitted before the cut, scored on what customers did after it', async () => {
    h = await cdnowHarness();
    const report = await runScoringJob(h.storage, h.clock, { timeUnit: 'week', horizon: 39, score: { personas: false }, evaluationDays: 91 });
    const evaluation = report.evaluation!;
    if ('reason' in evaluation) throw new Error(evaluation.reason);
    expect(evaluation.calibrationEnd).toBe('1997-07-01');
    expect(evaluation.holdoutEnd).toBe('1997-09-30');
    expect(evaluation.fhl.length).toBeGreaterThan(3);
    const churn = evaluation.scores.find((s) => s.score === 'churn_probability')!;
    expect(churn.auc).toBeGreaterThan(0.7);
    expect(churn.verdict).toMatch(/^(usable|not usable)/);
    // Too little history for a 200-day check: said plainly, nothing made up.
    const short = await runScoringJob(h.storage, h.clock, { timeUnit: 'week', horizon: 39, score: { personas: false }, evaluationDays: 200 });
    expect(short.evaluation).toMatchObject({ reason: expect.stringMatching(/needs 400/) });
  });

  it('skips the out-of-time check, saying why, while too few customers had bought again before its cut', async () => {
    h = createHarness({ start: '2024-12-31T12:00:00Z' });
    // A year of 40 one-time buyers; 6 buy again, 2 of them before the check's cut (2024-10-02).
    const orders = Array.from({ length: 40 }, (_, i) => ({ customerId: `c${i}`, orderId: `a${i}`, orderedAt: new Date(Date.UTC(2024, i % 9, 1 + (i % 27))).toISOString(), amount: 20 }));
    for (let i = 0; i < 6; i++) orders.push({ customerId: `c${i}`, orderId: `b${i}`, orderedAt: i < 2 ? '2024-09-30T10:00:00Z' : '2024-12-01T10:00:00Z', amount: 20 });
    expect((await recordOrders(h.storage, h.clock, orders)).rejected).toEqual([]);
    const report = await runScoringJob(h.storage, h.clock, { timeUnit: 'week', horizon: 39, score: { personas: false }, evaluationDays: 90 });
    expect(report.models!.warnings).toContain('only 6 of 40 customers bought again: the purchase-model scores (p_alive, churn, purchase probabilities, next purchase, CLV) are left blank until 10 have; stages and tiers come from the order history alone');
    expect(report.evaluation).toEqual({ reason: expect.stringMatching(/^out-of-time check skipped: only 2 of \d+ customers bought again by 2024-10-02; checking the models needs at least 10 repeat buyers/) });
  });

  it('compares the purchase models only when due: not at start-up, then weekly on the engine clock, or when asked', async () => {
    h = await cdnowHarness();
    const opts = { timeUnit: 'week', horizon: 39, score: { personas: false }, evaluationDays: 0 } as const;
    const selection = (r: ModelReport) => r.models!.purchaseModel.selection;
    // Start-up scoring does not wait for the slower models: BG/NBD, no comparison yet.
    const startup = await runScoringJob(h.storage, h.clock, { ...opts, reviewModels: false });
    expect(selection(startup)).toMatchObject({ chosen: 'bgnbd', decidedAt: null, candidates: [] });
    // The next run finds the comparison due and makes it.
    const first = selection(await runScoringJob(h.storage, h.clock, opts));
    expect(first.candidates.map((c) => c.name)).toEqual(['bgnbd', 'pareto-nbd', 'mbgnbd']);
    expect(first.decidedAt).toBe('1997-09-30');
    // Six days on, the choice is kept (and refitted), said once.
    h.clock.advance(6 * 86_400_000);
    const kept = selection(await runScoringJob(h.storage, h.clock, opts));
    expect(kept).toMatchObject({ chosen: first.chosen, decidedAt: '1997-09-30' });
    expect(kept.reason).toMatch(/^kept from 1997-09-30: lowest mean absolute error/);
    expect(selection(await runScoringJob(h.storage, h.clock, opts)).reason.match(/kept from/g)).toHaveLength(1);
    // A week after the last comparison it is due again; asked for, it is made at once.
    h.clock.advance(86_400_000);
    expect(selection(await runScoringJob(h.storage, h.clock, opts)).decidedAt).toBe('1997-10-07');
    const asked = selection(await runScoringJob(h.storage, h.clock, { ...opts, reviewModels: true }));
    expect(asked.reason).toMatch(/^lowest mean absolute error/);
  });

  it('wakes waiting purchase-cycle runs whose prediction moved, and leaves them alone when nothing moved', async () => {
    h = await cdnowHarness();
    const engine = h.engine;
    await h.journeys.deploy(journey);
    await trackEvents(h.storage, h.clock, [{ customerId: 'regular', type: 'enroll' }]);
    await engine.runUntilIdle();
    const [run] = await h.runsOf('regular');
    // Before any scoring the engine's median-gap default plans the wait: 14 days after the last purchase.
    expect(run).toMatchObject({ status: 'waiting', nodeId: 'cycle', wakeAt: Date.parse('1997-10-13T00:00:00Z') });

    const first = await runScoringJob(h.storage, h.clock, { timeUnit: 'week', horizon: 39, score: { personas: false } });
    expect(first.moved).toBe(2357 + 1); // every buyer's prediction is new
    expect(first.woken).toBe(1);
    expect((await h.storage.runs.get(run!.id))!.wakeAt).toBe(h.clock.now().getTime());

    // The woken run re-plans on the stored (shrunk own-cycle) prediction.
    await engine.runUntilIdle();
    const stored = (await scoresOf(h, 'regular')).next_purchase!;
    const replanned = (await h.storage.runs.get(run!.id))!;
    expect(replanned).toMatchObject({ status: 'waiting', nodeId: 'cycle', wakeAt: stored.value });
    const history = await h.storage.runs.history(run!.id);
    expect(history.at(-1)!.detail).toMatchObject({ source: 'own-cycle', replanned: true });

    const second = await runScoringJob(h.storage, h.clock, { timeUnit: 'week', horizon: 39, score: { personas: false } });
    expect(second).toMatchObject({ moved: 0, woken: 0 });
    expect((await h.storage.runs.get(run!.id))!.wakeAt).toBe(stored.value);
  });

  it('wakes a purchase-cycle wait when the median it follows moves beyond the churn window (where next_purchase_at is blank)', async () => {
    h = await cdnowHarness();
    const opts = { timeUnit: 'week', horizon: 39, score: { personas: false } } as const;
    await runScoringJob(h.storage, h.clock, opts);
    const DAY = 86_400_000;
    const median = (s: { data: Record<string, unknown> }) => Date.parse((s.data.deciles as string[])[4]!);
    // A customer more likely than not to stay away for 90 days: no date, but a median the wait acts on.
    // (The harness holds CDNOW's later orders too: pick one who has none, so the wait is not ended by them.)
    const { orders } = await loadCdnowSample();
    const later = new Set(orders.filter((o) => o.orderedAt.getTime() > h!.clock.now().getTime()).map((o) => o.customerId));
    const stored = await h.storage.models.scoresOf('next_purchase', { afterCustomerId: 0, limit: 10_000 });
    const ids = new Map((await h.storage.customers.get(stored.map((s) => s.customerId))).map((c) => [c.id, c.externalId]));
    const far = stored.find((s) => s.value === null && median(s) > h!.clock.now().getTime() + 120 * DAY && median(s) < h!.clock.now().getTime() + 150 * DAY && !later.has(ids.get(s.customerId)!))!;
    const customer = ids.get(far.customerId)!;
    await h.journeys.deploy(journey);
    await trackEvents(h.storage, h.clock, [{ customerId: customer, type: 'enroll' }]);
    await h.engine.runUntilIdle();
    const [run] = await h.runsOf(customer);
    expect(run).toMatchObject({ status: 'waiting', nodeId: 'cycle', wakeAt: median(far) });

    // A month of silence later the median has moved, still beyond the window: the wait is woken and follows it.
    h.clock.advance(30 * DAY);
    const next = await runScoringJob(h.storage, h.clock, opts);
    const now = (await scoresOf(h, customer)).next_purchase!;
    expect(now.value).toBeNull();
    expect(Math.abs(median(now) - median(far))).toBeGreaterThan(DAY);
    expect(next.woken).toBe(1);
    await h.engine.runUntilIdle();
    // It re-planned on the new median (the due time stays within the node's 180-day maxWait).
    const last = (await h.storage.runs.history(run!.id)).at(-1)!;
    expect(last.detail).toMatchObject({ predicted: new Date(median(now)).toISOString(), replanned: true });
    expect((await h.storage.runs.get(run!.id))!.wakeAt).toBe(Math.min(median(now), Date.parse('1997-09-30T12:00:00Z') + 180 * DAY));
  });

  it('reports "no orders yet" on an empty store, and joins a run already in progress', async () => {
    h = createHarness({ start: '2024-05-01T00:00:00Z' });
    await h.identify([{ customerId: 'a' }]);
    const [one, two] = await Promise.all([runScoringJob(h.storage, h.clock), runScoringJob(h.storage, h.clock)]);
    expect(two).toBe(one);
    expect(one).toMatchObject({ customers: 1, models: null, skipped: expect.stringMatching(/no orders yet/) });
    expect(await scoresOf(h, 'a')).toMatchObject({ lifecycle: { data: { stage: 'prospect' } } });
    expect((await latestModelReport(h.storage))!.skipped).toBe(one.skipped);
  });
});

describe('registerModelJobs', () => {
  it('runs the scoring job on the scheduler at the configured cron and rejects a bad one by name', async () => {
    h = createHarness({ start: '2024-05-01T00:00:00Z' });
    await recordOrders(h.storage, h.clock, [
      { customerId: 'a', orderId: 'o1', orderedAt: '2024-01-01T00:00:00Z', amount: 10 },
      { customerId: 'a', orderId: 'o2', orderedAt: '2024-02-01T00:00:00Z', amount: 12 },
      { customerId: 'b', orderId: 'o3', orderedAt: '2024-03-01T00:00:00Z', amount: 30 },
    ]);
    const scheduler = new Scheduler({ engine: h.engine, clock: h.clock, onError: (err) => reject(err) });
    let reject: (err: unknown) => void = () => {};
    const reported = new Promise<ModelReport>((resolve, fail) => {
      reject = fail;
      // Every second, so the test sees a run.
      registerModelJobs(scheduler, { storage: h!.storage, clock: h!.clock, cron: '* * * * * *', options: { score: { personas: false } }, onReport: resolve });
    });
    scheduler.start();
    try {
      const report = await reported;
      expect(report.customers).toBe(2);
      expect((await latestModelReport(h.storage))!.version).toBe(report.version);
    } finally {
      await scheduler.stop();
    }
    expect(DEFAULT_MODELS_CRON).toBe('0 3 * * *');
    expect(() => registerModelJobs(new Scheduler({ engine: h!.engine, clock: h!.clock }), { storage: h!.storage, clock: h!.clock, cron: 'nightly' })).toThrow(
      /job "models.score": "nightly" is not a cron expression/,
    );
  });
});
