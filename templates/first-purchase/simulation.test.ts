import { describe, expect, it } from 'vitest';
import { DAY, simulatedTemplate } from '../simulate.ts';

const end = new Date('2025-03-01T00:00:00Z');
const from = new Date(end.getTime() - 21 * DAY);
const store = { customers: 2000, seed: 26, end };

describe('first-purchase conversion on the demo store', () => {
  const run = simulatedTemplate('first-purchase', store, from, { models: true });

  it('offers a discount only to prospects the engagement model rates high, after they open the newsletter', async () => {
    const offers = [...run().emailsAt('offer10'), ...run().emailsAt('offer20')];
    expect(offers.length).toBeGreaterThan(10);
    for (const e of offers) {
      const c = run().truth.get(await run().externalId(e.customerId))!;
      expect(c.orders.some((o) => o.orderedAt <= e.createdAt)).toBe(false);
      const history = await run().storage.runs.history(e.runId);
      const band = history.find((x) => x.nodeId === 'propensity' && x.kind === 'port')!;
      expect(band.port).toBe('high');
      expect(band.detail!.score as number).toBeGreaterThanOrEqual(0.5);
    }
    // Customers who have bought go no further than the first check.
    expect(run().stats.nodes.prospect!.ports.no).toBeGreaterThan(0);
    expect(run().stats.nodes.propensity!.entered).toBe(run().stats.nodes.prospect!.ports.yes);
  });

  it('splits the offer 10% vs 20% with a 10% holdout that gets nothing', () => {
    const split = run().stats.nodes['offer-test']!;
    const n = split.entered;
    const { ten = 0, twenty = 0, holdout = 0 } = split.ports;
    expect(ten + twenty + holdout).toBe(n);
    expect(run().emailsAt('offer10')).toHaveLength(ten);
    expect(run().emailsAt('offer20')).toHaveLength(twenty);
    // Binomial sampling error: within about three standard deviations.
    expect(Math.abs(holdout / n - 0.1)).toBeLessThan(3 * Math.sqrt((0.1 * 0.9) / n) + 0.01);
    expect(Math.abs(ten / (ten + twenty) - 0.5)).toBeLessThan(3 * Math.sqrt(0.25 / (ten + twenty)) + 0.01);
  });

  it('counts a first order within 7 days as a conversion, for each variant and for the holdout', async () => {
    const expected: Record<string, number> = {};
    let entered = 0;
    for (let id = 1; id <= (await run().storage.customers.count()); id++) {
      for (const r of await run().storage.runs.forCustomer(id)) {
        const port = (await run().storage.runs.history(r.id)).find((x) => x.nodeId === 'offer-test' && x.kind === 'port')?.port;
        if (!port) continue;
        entered++;
        const c = run().truth.get(await run().externalId(id))!;
        if (c.orders.some((o) => o.orderedAt > r.enteredAt && o.orderedAt <= r.enteredAt + 7 * DAY)) expected[port] = (expected[port] ?? 0) + 1;
      }
    }
    expect(entered).toBe(run().stats.nodes['offer-test']!.entered);
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    expect(run().stats.converted).toBe(total);
  });
});
