import { describe, expect, it } from 'vitest';
import { localParts } from '../../engine/core/time.ts';
import { DAY, HOUR, simulatedTemplate } from '../simulate.ts';

const end = new Date('2025-03-01T00:00:00Z');
const from = new Date(end.getTime() - 21 * DAY);
const store = { customers: 2000, seed: 22, end, newsletterDays: 0 }; // no newsletter: this journey does not use engagement

describe('cart abandonment on the demo store', () => {
  const run = simulatedTemplate('cart-abandonment', store, from);

  it('sends nothing to customers who check out: every buyer leaves before a reminder', async () => {
    const reminders = run().emailsAt('reminder');
    const offers = run().emailsAt('free-shipping');
    expect(reminders.length).toBeGreaterThan(30);
    expect(offers.length).toBeGreaterThan(10);
    expect(offers.length).toBeLessThanOrEqual(reminders.length);
    // Carts of the checkout flow are followed by an order within minutes: the goal converts those runs before any mail.
    expect(run().stats.converted).toBeGreaterThan(50);
    for (const e of [...reminders, ...offers]) {
      const c = run().truth.get(await run().externalId(e.customerId))!;
      const runRecord = (await run().storage.runs.get(e.runId))!;
      // No order between entering the journey (the cart) and the email.
      expect(c.orders.some((o) => o.orderedAt >= runRecord.enteredAt && o.orderedAt <= e.createdAt)).toBe(false);
      const wait = e.nodeId === 'reminder' ? 4 * HOUR : 24 * HOUR;
      expect(e.createdAt - runRecord.enteredAt).toBeGreaterThanOrEqual(wait);
    }
  });

  it('never emails inside quiet hours (21:00 to 09:00 in the customer’s own time zone)', async () => {
    const zones = new Set<string>();
    for (const e of run().emails) {
      const c = run().truth.get(await run().externalId(e.customerId))!;
      zones.add(c.timezone);
      const hour = localParts(new Date(e.createdAt), c.timezone).hour;
      expect(hour).toBeGreaterThanOrEqual(9);
      expect(hour).toBeLessThan(21);
    }
    expect(zones.size).toBeGreaterThan(3);
  });
});
