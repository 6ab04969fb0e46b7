import { describe, expect, it } from 'vitest';
import { DAY, simulatedTemplate } from '../simulate.ts';

const end = new Date('2025-03-01T00:00:00Z');
const from = new Date(end.getTime() - 35 * DAY);
// Two years of history, so the shop has customers who left long ago and customers leaving now.
const store = { customers: 1500, seed: 28, end, historyDays: 730, newsletterDays: 0 };

describe('win-back on the demo store', () => {
  const run = simulatedTemplate('win-back', store, from, { models: true });

  // The audience is the model's "lapsed" stage: silent for a year, or so overdue against their
  // own (one-time buyers: the shop's) rhythm and so unlikely to buy in 90 days that they are
  // judged gone. Most of them should really be gone, and many are reached well before a year.
  it('reaches customers who have really left, before a year of silence, with at most two tries', async () => {
    const first = run().emailsAt('try-1');
    expect(first.length).toBeGreaterThan(3);
    let gone = 0;
    let beforeAYear = 0;
    for (const e of first) {
      const c = run().truth.get(await run().externalId(e.customerId))!;
      const before = c.orders.filter((o) => o.orderedAt <= e.createdAt);
      expect(before.length).toBeGreaterThan(0);
      const silence = e.createdAt - before[before.length - 1]!.orderedAt;
      // Never someone who bought recently.
      expect(silence).toBeGreaterThan(60 * DAY);
      if (silence < 365 * DAY) beforeAYear++;
      if (c.truth.dropoutAt !== null && c.truth.dropoutAt <= e.createdAt) gone++;
    }
    expect(gone / first.length).toBeGreaterThan(0.75);
    expect(beforeAYear).toBeGreaterThan(0);
    const perRun = new Map<number, number>();
    for (const e of run().emails) perRun.set(e.runId, (perRun.get(e.runId) ?? 0) + 1);
    expect(Math.max(...perRun.values())).toBeLessThanOrEqual(2);
  });

  it('sends the second try 14 days after the first, only to customers who did not come back', async () => {
    const firstAt = new Map(run().emailsAt('try-1').map((e) => [e.runId, e.createdAt]));
    for (const e of run().emailsAt('try-2')) {
      const at = firstAt.get(e.runId)!;
      expect(e.createdAt - at).toBe(14 * DAY);
      const c = run().truth.get(await run().externalId(e.customerId))!;
      expect(c.orders.some((o) => o.orderedAt > at && o.orderedAt <= e.createdAt)).toBe(false);
    }
    // Everyone whose 14 days ran out without an order got the second try.
    let due = 0;
    for (const [runId, at] of firstAt) {
      if (at + 14 * DAY > end.getTime()) continue;
      const r = (await run().storage.runs.get(runId))!;
      const c = run().truth.get(await run().externalId(r.customerId))!;
      if (!c.orders.some((o) => o.orderedAt > at && o.orderedAt <= at + 14 * DAY)) due++;
    }
    expect(run().emailsAt('try-2')).toHaveLength(due);
  });
});
