import { describe, expect, it } from 'vitest';
import { DAY, simulatedTemplate } from '../simulate.ts';

const end = new Date('2025-03-01T00:00:00Z');
const from = new Date(end.getTime() - 30 * DAY);
const store = { customers: 2000, seed: 23, end, newsletterDays: 0 }; // no newsletter: this journey does not use engagement

describe('cross-sell after purchase on the demo store', () => {
  const run = simulatedTemplate('cross-sell', store, from);

  it('recommends five days after an order, only to customers who have not ordered again, at most once a month', async () => {
    const sent = run().emailsAt('recommend');
    expect(sent.length).toBeGreaterThan(50);
    const perCustomer = new Map<number, number[]>();
    for (const e of sent) {
      const r = (await run().storage.runs.get(e.runId))!;
      expect(e.createdAt - r.enteredAt).toBe(5 * DAY); // wake-ups are exact on the virtual clock
      const c = run().truth.get(await run().externalId(e.customerId))!;
      expect(c.orders.some((o) => o.orderedAt > r.enteredAt && o.orderedAt <= e.createdAt)).toBe(false);
      perCustomer.set(e.customerId, [...(perCustomer.get(e.customerId) ?? []), r.enteredAt]);
    }
    for (const entries of perCustomer.values()) for (let i = 1; i < entries.length; i++) expect(entries[i]! - entries[i - 1]!).toBeGreaterThanOrEqual(30 * DAY);
  });

  it('counts an order within the window as a conversion, whether it came before or after the email', () => {
    const enrolled = run().stats.enrolled;
    expect(enrolled).toBeGreaterThan(run().emailsAt('recommend').length);
    expect(run().stats.converted).toBeGreaterThan(0);
    // Those who bought during the five-day pause converted instead of getting the email.
    expect(run().stats.converted + run().emailsAt('recommend').length + run().stats.nodes.pause!.waiting).toBeGreaterThanOrEqual(enrolled - 1);
  });
});
