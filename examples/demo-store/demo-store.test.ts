import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../engine/core/clock.ts';
import { fitBgnbd } from '../../engine/models/bgnbd.ts';
import { runScoringJob } from '../../engine/models/job.ts';
import { featuresAt, indexOrders } from '../../engine/models/features.ts';
import type { Order } from '../../engine/models/types.ts';
import { createHarness, type Harness } from '../../engine/testing/harness.ts';
import { productById } from './catalogue.ts';
import { demoCustomer, demoCustomers, type DemoStoreOptions } from './generate.ts';
import { loadDemoStore } from './load.ts';

const end = new Date('2025-06-30T00:00:00Z');
const DAY = 86_400_000;

describe('demo store generator', () => {
  it('is reproducible: equal seeds give equal customers, and customer i does not depend on the store size', () => {
    const a = [...demoCustomers({ customers: 30, seed: 7, end })];
    const b = [...demoCustomers({ customers: 30, seed: 7, end })];
    expect(b).toEqual(a);
    expect(demoCustomer({ customers: 1_000_000, seed: 7, end }, 12)).toEqual(a[12]);
    expect([...demoCustomers({ customers: 30, seed: 8, end })]).not.toEqual(a);
  });

  it('rejects sizes outside 1 to 1,000,000 with a message naming the option', () => {
    expect(() => [...demoCustomers({ customers: 0, seed: 1, end })]).toThrow(/customers: 0 .*from 1 to 1,000,000/);
    expect(() => [...demoCustomers({ customers: 1_000_001, seed: 1, end })]).toThrow(/customers/);
    expect(() => [...demoCustomers({ customers: 10, seed: 1, end, prospectShare: 2 })]).toThrow(/prospectShare/);
  });

  it('mixes prospects, BG/NBD buyers and replenishers, with browsing, carts, newsletters and NPS answers', () => {
    const all = [...demoCustomers({ customers: 3000, seed: 2, end })];
    const share = (k: string) => all.filter((c) => c.truth.kind === k).length / all.length;
    expect(share('prospect')).toBeCloseTo(0.2, 1);
    expect(share('replenisher')).toBeCloseTo(0.8 * 0.3, 1);
    // Prospects buy late if at all, and the engaged ones more often.
    const prospects = all.filter((c) => c.truth.kind === 'prospect');
    const converted = prospects.filter((c) => c.orders.length > 0);
    expect(converted.length).toBeGreaterThan(0.1 * prospects.length);
    expect(converted.length).toBeLessThan(0.6 * prospects.length);
    const meanOpen = (cs: typeof all) => cs.reduce((s, c) => s + c.truth.openPropensity, 0) / cs.length;
    expect(meanOpen(converted)).toBeGreaterThan(meanOpen(prospects.filter((c) => c.orders.length === 0)) + 0.05);
    expect(converted.filter((c) => c.orders[0]!.orderedAt - c.signupAt > 14 * DAY).length).toBeGreaterThan(0.8 * converted.length);
    const events = all.flatMap((c) => c.events);
    const count = (t: string) => events.filter((e) => e.type === t).length;
    const carts = count('cart_add');
    const purchasedItems = all.reduce((s, c) => s + c.orders.reduce((n, o) => n + o.items.length, 0), 0);
    // Every purchased item was put in a cart first, and some carts were abandoned.
    expect(carts).toBeGreaterThan(purchasedItems * 1.1);
    expect(count('email_opened') / count('email_sent')).toBeGreaterThan(0.2);
    expect(count('email_opened') / count('email_sent')).toBeLessThan(0.35);
    const scores = events.filter((e) => e.type === 'nps_response').map((e) => e.properties.score as number);
    expect(scores.length).toBeGreaterThan(200);
    expect(new Set(scores).size).toBeGreaterThan(6);
    for (const c of all) expect(c.events.map((e) => e.occurredAt)).toEqual([...c.events.map((e) => e.occurredAt)].sort((x, y) => x - y));
  });

  it('replenishers buy their own product around their own cycle, which differs between customers', () => {
    const reps = [...demoCustomers({ customers: 2000, seed: 3, end })].filter((c) => c.truth.kind === 'replenisher' && c.orders.length >= 4);
    expect(reps.length).toBeGreaterThan(100);
    const ratios: number[] = [];
    for (const c of reps) {
      expect(c.orders.every((o) => o.items.includes(c.truth.product!))).toBe(true);
      expect(productById.get(c.truth.product!)!.replenishDays).toBeDefined();
      const gaps = c.orders.slice(1).map((o, i) => (o.orderedAt - c.orders[i]!.orderedAt) / DAY);
      ratios.push(gaps.reduce((s, g) => s + g, 0) / gaps.length / c.truth.cycleDays!);
    }
    const mean = ratios.reduce((s, r) => s + r, 0) / ratios.length;
    expect(mean).toBeGreaterThan(0.9);
    expect(mean).toBeLessThan(1.1);
    const cycles = new Set(reps.map((c) => c.truth.cycleDays));
    expect(cycles.size).toBeGreaterThan(30);
  });

  it('lets the BG/NBD fit recover the true parameters within sampling error (20k buyers)', () => {
    const truth = { r: 0.9, alpha: 6, a: 1, b: 4 };
    const opts: DemoStoreOptions = { customers: 20_000, seed: 11, end, historyDays: 540, prospectShare: 0, replenishShare: 0, bgnbd: truth };
    const orders: Order[] = [];
    for (const c of demoCustomers(opts)) for (const o of c.orders) orders.push({ customerId: c.externalId, orderId: o.orderId, orderedAt: new Date(o.orderedAt), amount: o.amount });
    const fit = fitBgnbd(featuresAt(indexOrders(orders), end, 'week'));
    expect(fit.converged).toBe(true);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      const error = Math.abs(fit.params[key] - truth[key]);
      expect(error / truth[key], key).toBeLessThan(0.2);
      // Same-day purchases merge into one purchase day, which biases α slightly: allow 3.5 standard errors.
      expect(error, key).toBeLessThan(3.5 * fit.standardErrors[key]);
    }
  });
});

describe('loading the demo store', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('lets the scoring job, fitted on the stored shop, recover its BG/NBD parameters within sampling error', async () => {
    const truth = { r: 0.9, alpha: 6, a: 1, b: 4 };
    h = createHarness({ start: end.toISOString() });
    await loadDemoStore(h.storage, { customers: 5000, seed: 12, end, historyDays: 540, newsletterDays: 0, prospectShare: 0, replenishShare: 0, bgnbd: truth });
    const report = await runScoringJob(h.storage, new VirtualClock(end));
    const fit = report.models!.bgnbd;
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      const error = Math.abs(fit.params[key] - truth[key]);
      expect(error / truth[key], key).toBeLessThan(0.3);
      expect(error, key).toBeLessThan(3.5 * fit.standardErrors[key]);
    }
  }, 120_000);

  it('writes history as processed (it enrolls nobody) and returns later activity as a feed that goes through ingest', async () => {
    h = createHarness({ start: '2025-06-01T00:00:00Z' });
    const opts = { customers: 300, seed: 5, end, historyDays: 200 };
    const split = new Date('2025-06-01T00:00:00Z');
    const { summary, feed } = await loadDemoStore(h.storage, opts, { historyUntil: split, batchSize: 64 });
    const generated = [...demoCustomers(opts)];
    const known = generated.filter((c) => c.signupAt <= split.getTime());
    expect(summary.customers).toBe(known.length);
    expect(await h.storage.customers.count()).toBe(known.length);
    expect(summary.orders).toBe(generated.flatMap((c) => c.orders).filter((o) => o.orderedAt <= split.getTime()).length);
    expect(await h.storage.events.unprocessedCount()).toBe(0);
    // Newsletter sends are in the send log (what the engagement model reads), not among the events.
    expect(summary.sends).toBe(known.flatMap((x) => x.events).filter((e) => e.type === 'email_sent' && e.occurredAt <= split.getTime()).length);
    expect(summary.sends).toBeGreaterThan(100);

    const c = known.find((x) => x.orders.some((o) => o.orderedAt > split.getTime()) && x.orders[0]!.orderedAt <= split.getTime())!;
    const stored = await h.storage.orders.list(await h.customerId(c.externalId));
    expect(stored.map((o) => o.orderId)).toEqual(c.orders.filter((o) => o.orderedAt <= split.getTime()).map((o) => o.orderId));

    // Feeding the rest in brings the store to its end state.
    await feed.ingestUntil(h.storage, h.clock, end.getTime());
    expect(feed.remaining).toBe(0);
    expect(await h.storage.customers.count()).toBe(generated.filter((x) => x.events.length > 0).length);
    const after = await h.storage.orders.list(await h.customerId(c.externalId));
    expect(after.map((o) => o.orderId)).toEqual(c.orders.map((o) => o.orderId));
    expect(await h.storage.events.unprocessedCount()).toBeGreaterThan(0);
  });
});
