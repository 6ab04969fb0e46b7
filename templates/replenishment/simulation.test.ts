import { sampleCorrelation, standardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { DAY, simulatedTemplate } from '../simulate.ts';

const end = new Date('2025-03-01T00:00:00Z');
const from = new Date(end.getTime() - 60 * DAY);
const store = { customers: 2000, seed: 24, end, newsletterDays: 0 }; // no newsletter: this journey does not use engagement

describe('replenishment on the demo store', () => {
  const run = simulatedTemplate('replenishment', store, from);

  it("reminds each replenisher about three days before their own due date, not on one fixed day", async () => {
    const lead: number[] = [];
    const cycle: number[] = [];
    for (const e of run().emailsAt('reminder')) {
      const c = run().truth.get(await run().externalId(e.customerId))!;
      const before = c.orders.filter((o) => o.orderedAt <= e.createdAt);
      // Customers with a known rhythm: replenishers with at least three orders behind them.
      if (c.truth.kind !== 'replenisher' || before.length < 3) continue;
      const sinceLast = (e.createdAt - before[before.length - 1]!.orderedAt) / DAY;
      lead.push(sinceLast + 3);
      cycle.push(c.truth.cycleDays!);
      // Near the customer's own cycle (the prediction comes from a handful of noisy gaps).
      expect(Math.abs(sinceLast + 3 - c.truth.cycleDays!)).toBeLessThan(0.45 * c.truth.cycleDays! + 2);
    }
    expect(lead.length).toBeGreaterThan(40);
    expect(sampleCorrelation(lead, cycle)).toBeGreaterThan(0.8);
    expect(standardDeviation(lead)).toBeGreaterThan(7);
  });

  it('sends nothing to customers who reorder first, and the incentive only after 10 quiet days', async () => {
    for (const e of run().emailsAt('reminder')) {
      const r = (await run().storage.runs.get(e.runId))!;
      const c = run().truth.get(await run().externalId(e.customerId))!;
      expect(c.orders.some((o) => o.orderedAt > r.enteredAt && o.orderedAt <= e.createdAt)).toBe(false);
    }
    const reminded = new Map(run().emailsAt('reminder').map((e) => [e.runId, e.createdAt]));
    const incentives = run().emailsAt('incentive');
    expect(incentives.length).toBeGreaterThan(0);
    for (const e of incentives) {
      const at = reminded.get(e.runId)!;
      expect(e.createdAt - at).toBe(10 * DAY);
      const c = run().truth.get(await run().externalId(e.customerId))!;
      expect(c.orders.some((o) => o.orderedAt > at && o.orderedAt <= e.createdAt)).toBe(false);
    }
    expect(run().stats.nodes.cycle!.ports.purchased).toBeGreaterThan(0);
  });
});
