import { expect, it } from 'vitest';
import type { RunRecord, Storage } from './types.ts';

const DAY = 86_400_000;

/**
 * Message analytics and the delivery log (AnalyticsStore) as executable tests, run on every
 * storage next to the main conformance suite.
 */
export function analyticsConformance(name: string, open: () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>): void {
  const withStorage = (title: string, fn: (s: Storage) => Promise<void>) =>
    it(`${name}: analytics: ${title}`, async () => {
      const { storage, cleanup } = await open();
      try {
        await fn(storage);
      } finally {
        await cleanup();
      }
    });

  /**
   * Three customers in journey `j` (split `ab` sent a and c to A, b to B): a got `day1` then `day3`,
   * b was frequency-capped on `day1` and got a webhook, c's mail bounced; one more `day3` waits.
   */
  async function fixture(s: Storage) {
    const [a, b, c] = (await s.customers.upsert([{ externalId: 'ann', email: 'ann@x.io' }, { externalId: 'bob', email: 'Bob@X.io' }, { externalId: 'cy', email: 'cy@x.io' }], 0)) as [number, number, number];
    const first = await s.runs.reserveIds(3);
    const run = (id: number, customerId: number, variant: string): RunRecord => ({
      id, journeyId: 'j', version: 1, customerId, nodeId: 'end', visit: 2, status: 'completed', wakeAt: null, waitEvent: null, wait: null,
      enteredAt: 0, nodeEnteredAt: 0, updatedAt: 0, endedAt: 100 * DAY, endReason: 'completed', state: { '$branch:ab': variant }, error: null,
    });
    const runs = { [a]: first, [b]: first + 1, [c]: first + 2 };
    const mail = (key: string, nodeId: string, customerId: number, kind = 'email') => ({ key, runId: runs[customerId]!, journeyId: 'j', nodeId, customerId, kind, payload: { html: 'big' } });
    await s.runs.commit(
      [
        {
          eventIds: [], updates: [], counters: [], profiles: [],
          inserts: [run(first, a, 'A'), run(first + 1, b, 'B'), run(first + 2, c, 'A')],
          history: [first, first + 1, first + 2].map((runId) => ({ runId, visit: 1, nodeId: 'start', at: 10, kind: 'port', port: 'next' })),
          outbox: [mail('k1', 'day1', a), mail('k2', 'day1', b), mail('k3', 'day1', c), mail('k5', 'day3', a), mail('k4', 'day3', c), mail('wh', 'hook', b, 'webhook')],
        },
      ],
      0,
    );
    await s.outbox.settle([{ key: 'k1', status: 'sent', detail: { to: 'ann@x.io', subject: 'Day 1' } }, { key: 'k2', status: 'skipped', error: 'frequency cap: 3 marketing emails in the last 7d (max 3)' }], 1000);
    await s.outbox.settle([{ key: 'k3', status: 'failed', error: 'SMTP 550: no such user' }], 1100);
    await s.outbox.settle([{ key: 'k5', status: 'sent', detail: { to: 'ann@x.io', subject: 'Day 3' } }], 1800);
    await s.outbox.settle([{ key: 'wh', status: 'sent' }], DAY + 5);
    // a's order comes after both of a's mails: last touch gives it to day3. Outside the window, nothing.
    await s.orders.insert([
      { customerId: a, orderId: 'o1', orderedAt: 2000, amount: 50 },
      { customerId: a, orderId: 'o2', orderedAt: 20_000, amount: 30 },
      { customerId: b, orderId: 'o3', orderedAt: 500, amount: 40 },
      { customerId: b, orderId: 'o4', orderedAt: DAY + 100, amount: 70 },
    ]);
    return { a, b, c };
  }

  const sorted = <T>(rows: T[]) => [...rows].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));

  withStorage('counts outcomes by node, status and error, recipients, engagement once per message, and last-touch revenue per day', async (s) => {
    const { a } = await fixture(s);
    expect(await s.analytics.recordEngagement({ key: 'k1', type: 'opened', journeyId: 'j', nodeId: 'day1', customerId: a }, 1500)).toBe(true);
    expect(await s.analytics.recordEngagement({ key: 'k1', type: 'opened', journeyId: 'j', nodeId: 'day1', customerId: a }, 1600)).toBe(false);
    await s.analytics.recordEngagement({ key: 'k1', type: 'clicked', journeyId: 'j', nodeId: 'day1', customerId: a }, 1700);
    const f = await s.analytics.messages('j', { attributionMs: 10_000 });
    expect(sorted(f.outcomes)).toEqual(
      sorted([
        { nodeId: 'day1', kind: 'email', status: 'sent', error: null, count: 1 },
        { nodeId: 'day1', kind: 'email', status: 'skipped', error: 'frequency cap: 3 marketing emails in the last 7d (max 3)', count: 1 },
        { nodeId: 'day1', kind: 'email', status: 'failed', error: 'SMTP 550: no such user', count: 1 },
        { nodeId: 'day3', kind: 'email', status: 'sent', error: null, count: 1 },
        { nodeId: 'day3', kind: 'email', status: 'pending', error: null, count: 1 },
        { nodeId: 'hook', kind: 'webhook', status: 'sent', error: null, count: 1 },
      ]),
    );
    expect(sorted(f.recipients)).toEqual(sorted([{ nodeId: 'day1', customers: 1 }, { nodeId: 'day3', customers: 1 }, { nodeId: 'hook', customers: 1 }]));
    expect(sorted(f.sends)).toEqual(sorted([{ nodeId: 'day1', day: 0, count: 1 }, { nodeId: 'day3', day: 0, count: 1 }, { nodeId: 'hook', day: DAY, count: 1 }]));
    expect(sorted(f.engagement)).toEqual(sorted([{ nodeId: 'day1', type: 'opened', count: 1 }, { nodeId: 'day1', type: 'clicked', count: 1 }]));
    expect(sorted(f.attributed)).toEqual(sorted([{ nodeId: 'day3', day: 0, orders: 1, revenue: 50 }, { nodeId: 'hook', day: DAY, orders: 1, revenue: 70 }]));
    expect((await s.analytics.messages('other', { attributionMs: 10_000 })).outcomes).toEqual([]);
  });

  withStorage('delivery log: newest first, paginated, searchable by address or customer id, by status and per customer', async (s) => {
    const { b } = await fixture(s);
    const page = await s.analytics.deliveries({ journeyId: 'j', limit: 2, offset: 0 });
    expect(page.total).toBe(6);
    expect(page.entries.map((e) => e.key)).toEqual(['wh', 'k5']);
    // A webhook went to no address; a pending email shows where it will go.
    expect(page.entries[0]!.address).toBeNull();
    expect((await s.analytics.deliveries({ journeyId: 'j', status: 'pending', limit: 10, offset: 0 })).entries[0]).toMatchObject({ key: 'k4', address: 'cy@x.io' });
    expect(page.entries[1]).toMatchObject({ nodeId: 'day3', externalId: 'ann', address: 'ann@x.io', subject: 'Day 3', status: 'sent', updatedAt: 1800 });
    // Equal times go by key, newest first: the page after the fourth entry holds the last two.
    expect((await s.analytics.deliveries({ journeyId: 'j', limit: 2, offset: 4 })).entries.map((e) => e.key)).toEqual(['k1', 'k4']);
    const failed = await s.analytics.deliveries({ journeyId: 'j', status: 'failed', limit: 10, offset: 0 });
    expect(failed.entries).toEqual([expect.objectContaining({ key: 'k3', externalId: 'cy', address: 'cy@x.io', error: 'SMTP 550: no such user' })]);
    // Case-insensitive part of the address; the exact external id; a `%` is a literal.
    expect((await s.analytics.deliveries({ search: 'b@x', limit: 10, offset: 0 })).entries.map((e) => e.key).sort()).toEqual(['k2', 'wh']);
    expect((await s.analytics.deliveries({ search: 'ann', limit: 10, offset: 0 })).entries.map((e) => e.key).sort()).toEqual(['k1', 'k5']);
    expect((await s.analytics.deliveries({ search: '%', limit: 10, offset: 0 })).total).toBe(0);
    expect((await s.analytics.deliveries({ customerId: b, limit: 10, offset: 0 })).entries.map((e) => e.key).sort()).toEqual(['k2', 'wh']);
  });

  withStorage('stays exact after retention prunes the runs: settled deliveries are archived without their payload', async (s) => {
    const { a } = await fixture(s);
    await s.analytics.recordEngagement({ key: 'k1', type: 'clicked', journeyId: 'j', nodeId: 'day1', customerId: a }, 1700);
    const before = await s.analytics.messages('j', { attributionMs: 10_000 });
    const log = await s.analytics.deliveries({ journeyId: 'j', limit: 10, offset: 0 });
    const pruned = await s.retention.pruneHistory(200 * DAY, 0, 100);
    expect(pruned.deliveries).toBe(5);
    expect(await s.outbox.get('k1')).toBeNull();
    expect(await s.analytics.messages('j', { attributionMs: 10_000 })).toEqual(before);
    expect(await s.analytics.deliveries({ journeyId: 'j', limit: 10, offset: 0 })).toEqual(log);
    // Erasure reaches the archive too: the address it recorded goes.
    await s.privacy.erase(a, 300 * DAY);
    const erased = await s.analytics.deliveries({ customerId: a, limit: 10, offset: 0 });
    expect(erased.entries.map((e) => [e.key, e.address, e.subject])).toEqual([['k5', null, null], ['k1', null, null]]);
  });

  withStorage('erasing a customer keeps when their messages went, so sends per day and attributed revenue stay', async (s) => {
    const { a } = await fixture(s);
    const before = await s.analytics.messages('j', { attributionMs: 10_000 });
    await s.privacy.erase(a, 300 * DAY);
    expect(await s.analytics.messages('j', { attributionMs: 10_000 })).toEqual(before);
  });

  withStorage('A/B variants: customers and their orders within the window after entry', async (s) => {
    await fixture(s);
    expect(await s.analytics.variantRevenue('j', '$branch:ab', 10_000)).toEqual([
      { variant: 'A', customers: 2, orders: 1, revenue: 50 },
      { variant: 'B', customers: 1, orders: 1, revenue: 40 },
    ]);
    expect(await s.analytics.variantRevenue('j', '$branch:none', 10_000)).toEqual([]);
  });
}
