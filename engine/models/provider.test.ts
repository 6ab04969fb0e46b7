import { afterEach, describe, expect, it } from 'vitest';
import { toProfile } from '../executor/engine.ts';
import { CustomerServices } from '../executor/services.ts';
import { recordOrders } from '../ingest/ingest.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { runScoringJob } from './job.ts';
import { scoredNextPurchase } from './provider.ts';
import { generatePopulation } from './synthetic.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('scoredNextPurchase', () => {
  it('answers from the stored next_purchase score, and defers to the default when there is none or the customer bought since', async () => {
    h = createHarness({ start: '2024-12-31T12:00:00Z' });
    const { orders } = generatePopulation({
      customers: 400,
      seed: 5,
      bgnbd: { r: 0.6, alpha: 8, a: 1, b: 3 },
      gammaGamma: { p: 6, q: 4, gamma: 15 },
      start: new Date('2024-01-01T00:00:00Z'),
      acquisitionDays: 200,
      end: new Date('2024-12-31T00:00:00Z'),
      timeUnit: 'week',
    });
    await recordOrders(
      h.storage,
      h.clock,
      orders.map((o) => ({ customerId: o.customerId, orderId: o.orderId, orderedAt: o.orderedAt.toISOString(), amount: o.amount })),
    );
    await h.identify([{ customerId: 'new-lead' }]);
    // The provider is under test, not the model choice: one purchase model, no out-of-time check.
    await runScoringJob(h.storage, h.clock, { score: { personas: false, purchaseModels: ['bgnbd'] }, evaluationDays: 0 });

    const provider = scoredNextPurchase(h.storage);
    const ask = async (externalId: string) => {
      const customer = toProfile((await h!.storage.customers.byExternalId(externalId))!);
      const unit = { eventIds: [], inserts: [], updates: [], history: [], outbox: [], counters: [], profiles: [] };
      const services = new CustomerServices(h!.storage, { nextPurchase: provider }, customer, unit, () => h!.clock.now());
      return provider(customer, h!.clock.now(), services);
    };

    const nextOf = async (externalId: string) => (await h!.storage.scores.forCustomer(await h!.customerId(externalId))).find((s) => s.model === 'next_purchase');
    const buyers = [...new Set(orders.map((o) => o.customerId))];
    let buyer = '';
    let silent = '';
    for (const id of buyers) {
      if (buyer && silent) break;
      const score = await nextOf(id);
      if (score && score.value !== null && !buyer) buyer = id;
      if (score && score.value === null && !silent) silent = id;
    }
    const stored = (await nextOf(buyer))!;
    const prediction = await ask(buyer);
    expect(prediction).toMatchObject({
      at: new Date(stored.value!),
      low: new Date(stored.data.low as string),
      high: stored.data.high === null ? null : new Date(stored.data.high as string),
      source: stored.data.source,
      cycleDays: stored.data.cycleDays,
      from: new Date('2024-12-31T00:00:00Z'),
    });
    // Deciles rise with the probability; the median is the fifth.
    expect(prediction!.deciles).toHaveLength(9);
    expect(prediction!.deciles![4]).toEqual(prediction!.at);
    expect(prediction!.low!.getTime()).toBeLessThanOrEqual(prediction!.at!.getTime());
    // "Not within the horizon" is a prediction too, not a reason to guess from the median gap.
    expect(silent).not.toBe('');
    expect(await ask(silent)).toMatchObject({ at: null, source: expect.any(String) });
    expect(await ask('new-lead')).toBeNull();
    h.clock.advance(3_600_000);
    await recordOrders(h.storage, h.clock, [{ customerId: buyer, orderId: 'fresh', orderedAt: h.clock.now().toISOString(), amount: 25 }]);
    expect(await ask(buyer)).toBeNull();
  });
});
