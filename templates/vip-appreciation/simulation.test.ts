import { describe, expect, it } from 'vitest';
import { DAY, simulatedTemplate } from '../simulate.ts';

const end = new Date('2025-03-01T00:00:00Z');
const from = new Date(end.getTime() - 28 * DAY);
const store = { customers: 1500, seed: 30, end, newsletterDays: 0 };

describe('VIP appreciation on the demo store', () => {
  const run = simulatedTemplate('vip-appreciation', store, from, { models: true });

  it('thanks customers as they reach the high value tier, then invites them (tagging them vip) a week later', async () => {
    const thanks = run().emailsAt('thanks');
    expect(thanks.length).toBeGreaterThan(5);
    expect(thanks).toHaveLength(run().stats.enrolled);
    const thankedAt = new Map(thanks.map((e) => [e.runId, e.createdAt]));
    const invites = run().emailsAt('invite');
    expect(invites.length).toBeGreaterThan(0);
    for (const e of invites) {
      expect(e.createdAt - thankedAt.get(e.runId)!).toBe(7 * DAY);
      const [c] = await run().storage.customers.get([e.customerId]);
      expect(c!.attributes.tags).toContain('vip');
    }
    // Nobody is tagged before the invitation.
    for (const e of thanks) {
      if (invites.some((i) => i.runId === e.runId)) continue;
      const [c] = await run().storage.customers.get([e.customerId]);
      expect((c!.attributes.tags as string[] | undefined) ?? []).not.toContain('vip');
    }
  });

  it('reaches customers the models put in the high value tier', async () => {
    let high = 0;
    for (const e of run().emailsAt('thanks')) {
      const tier = (await run().storage.scores.forCustomer(e.customerId)).find((s) => s.model === 'value_tier')!;
      if (tier.data.tier === 'high') high++;
    }
    // Tiers are re-scored nightly; most entrants are still high at the end.
    expect(high / run().emailsAt('thanks').length).toBeGreaterThan(0.6);
  });
});
