import { describe, expect, it } from 'vitest';
import { DAY, simulatedTemplate } from '../simulate.ts';

const end = new Date('2025-03-01T00:00:00Z');
const from = new Date(end.getTime() - 30 * DAY);
const store = { customers: 2000, seed: 21, end, newsletterDays: 0 }; // no newsletter: this journey does not use engagement

describe('welcome series on the demo store', () => {
  const run = simulatedTemplate('welcome-series', store, from);

  it('welcomes exactly the customers whose first order falls in the window', () => {
    const firstInWindow = [...run().truth.values()].filter((c) => c.orders[0] && c.orders[0].orderedAt > from.getTime());
    const returningInWindow = [...run().truth.values()].filter((c) => c.orders[0] && c.orders[0].orderedAt <= from.getTime() && c.orders.some((o) => o.orderedAt > from.getTime()));
    expect(firstInWindow.length).toBeGreaterThan(50);
    expect(run().stats.nodes.first!.ports.yes).toBe(firstInWindow.length);
    expect(run().stats.nodes.first!.ports.no).toBe(returningInWindow.length);
  });

  it('sends day 1, day 3 and day 7 emails on schedule, and stops once the customer buys again', async () => {
    const thanks = run().emailsAt('thanks');
    const howto = run().emailsAt('howto');
    const review = run().emailsAt('review');
    expect(thanks.length).toBeGreaterThan(40);
    expect(howto.length).toBeLessThanOrEqual(thanks.length);
    expect(review.length).toBeLessThanOrEqual(howto.length);
    expect(review.length).toBeGreaterThan(10);
    for (const [node, day] of [['thanks', 1], ['howto', 3], ['review', 7]] as const) {
      for (const e of run().emailsAt(node)) {
        const c = run().truth.get(await run().externalId(e.customerId))!;
        const first = c.orders[0]!.orderedAt;
        // On the day, counted from the first order (the replay sees each order within 15 minutes).
        expect(e.createdAt - (first + day * DAY)).toBeGreaterThanOrEqual(0);
        expect(e.createdAt - (first + day * DAY)).toBeLessThanOrEqual(15 * 60_000);
        // Nobody who already bought a second time hears from the series again.
        expect(c.orders.filter((o) => o.orderedAt <= e.createdAt).length).toBe(1);
      }
    }
    // And everyone who did not buy again (and whose day 7 came) got the review email.
    const due = [...run().truth.values()].filter((c) => c.orders[0] && c.orders[0].orderedAt > from.getTime() && c.orders[0].orderedAt + 7 * DAY <= end.getTime() && !c.orders.some((o, i) => i > 0 && o.orderedAt <= c.orders[0]!.orderedAt + 7 * DAY));
    expect(review.length).toBe(due.length);
  });

  it('counts second purchases within 30 days as conversions', () => {
    const converted = [...run().truth.values()].filter((c) => c.orders[0] && c.orders[0].orderedAt > from.getTime() && c.orders[1] && c.orders[1].orderedAt <= end.getTime() && c.orders[1].orderedAt - c.orders[0].orderedAt <= 30 * DAY);
    expect(run().stats.converted).toBe(converted.length);
    expect(run().stats.converted).toBeGreaterThan(0);
  });
});
