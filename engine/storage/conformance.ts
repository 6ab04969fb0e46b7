import { expect, it } from 'vitest';
import { catalogConformance } from './conformance-catalog.ts';
import type { RunRecord, StepUnit, Storage } from './types.ts';

/**
 * The storage contract as executable tests. Every implementation (SQLite
 * now, PostgreSQL for scale-out) runs this same suite against a real database.
 */
export function storageConformance(name: string, open: () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>): void {
  const withStorage = (title: string, fn: (s: Storage) => Promise<void>) =>
    it(`${name}: ${title}`, async () => {
      const { storage, cleanup } = await open();
      try {
        await fn(storage);
      } finally {
        await cleanup();
      }
    });

  const run = (id: number, customerId: number, over: Partial<RunRecord> = {}): RunRecord => ({
    id,
    journeyId: 'j',
    version: 1,
    customerId,
    nodeId: 'a',
    visit: 1,
    status: 'waiting',
    wakeAt: 1000,
    waitEvent: null,
    wait: { since: 0 },
    enteredAt: 0,
    nodeEnteredAt: 0,
    updatedAt: 0,
    endedAt: null,
    endReason: null,
    state: {},
    error: null,
    ...over,
  });
  catalogConformance(withStorage);

  const unit = (over: Partial<StepUnit>): StepUnit => ({ eventIds: [], inserts: [], updates: [], history: [], outbox: [], counters: [], profiles: [], ...over });

  withStorage('upserts customers by external id and merges attributes', async (s) => {
    const [id] = await s.customers.upsert([{ externalId: 'c1', email: 'a@x.io', attributes: { plan: 'free', city: 'Seoul' } }], 1);
    const [again] = await s.customers.upsert([{ externalId: 'c1', attributes: { plan: 'pro', city: null } }], 2);
    expect(again).toBe(id);
    const [c] = await s.customers.get([id!]);
    expect(c).toMatchObject({ externalId: 'c1', email: 'a@x.io', attributes: { plan: 'pro' }, updatedAt: 2 });
    const ids = await s.customers.resolve(['c1', 'c2', 'c2'], 3, true);
    expect(ids.get('c1')).toBe(id);
    expect(await s.customers.count()).toBe(2);
    expect((await s.customers.resolve(['zz'], 3, false)).size).toBe(0);
  });

  withStorage('lists customers whose profile changed after a mark, in change order, equal times by id', async (s) => {
    expect(await s.customers.lastChange()).toBeNull();
    const [a, b] = await s.customers.upsert([{ externalId: 'a' }, { externalId: 'b' }], 10);
    const [c] = await s.customers.upsert([{ externalId: 'c' }], 20);
    expect(await s.customers.lastChange()).toEqual({ updatedAt: 20, id: c });
    await s.customers.upsert([{ externalId: 'a', attributes: { plan: 'pro' } }], 30);
    expect(await s.customers.changedSince({ updatedAt: 10, id: a! }, 10)).toEqual([
      { updatedAt: 10, id: b },
      { updatedAt: 20, id: c },
      { updatedAt: 30, id: a },
    ]);
    expect(await s.customers.changedSince({ updatedAt: 20, id: c! }, 1)).toEqual([{ updatedAt: 30, id: a }]);
  });

  withStorage('processedSince: only processed events of the given customers and types, from `since` on, in event-time order', async (s) => {
    const [late, early, other, old, click] = (await s.events.insert(
      [
        { customerId: 1, type: 'purchase', properties: { n: 1 }, occurredAt: 50 },
        { customerId: 1, type: 'view', properties: { n: 2 }, occurredAt: 20 },
        { customerId: 2, type: 'view', properties: { n: 3 }, occurredAt: 30 },
        { customerId: 1, type: 'view', properties: { n: 4 }, occurredAt: 5 },
        { customerId: 1, type: 'click', properties: { n: 5 }, occurredAt: 25 },
        { customerId: 1, type: 'view', properties: { n: 6 }, occurredAt: 40 },
      ],
      60,
    )) as number[];
    await s.runs.commit([unit({ eventIds: [late!, early!, other!, old!, click!] })], 70);
    const seen = async (ids: number[], since: number, types = ['view', 'purchase']) => (await s.events.processedSince(ids, since, types)).map((e) => e.properties.n);
    // n 6 is not processed yet: whoever claims it applies it, so it must not be seen twice.
    expect(await seen([1], 10)).toEqual([2, 1]);
    expect(await seen([1, 2], 0)).toEqual([4, 2, 3, 1]);
    expect(await seen([1], 0, ['click'])).toEqual([5]);
    expect(await seen([2], 31)).toEqual([]);
    expect(await seen([], 0)).toEqual([]);
    expect(await seen([1], 0, [])).toEqual([]);
  });

  withStorage('ignores events with a repeated idempotency key and claims unprocessed ones in order under a lease', async (s) => {
    const ids = await s.events.insert(
      [
        { customerId: 1, type: 'a', properties: { n: 1 }, occurredAt: 5, idempotencyKey: 'k' },
        { customerId: 1, type: 'a', properties: {}, occurredAt: 6, idempotencyKey: 'k' },
        { customerId: 2, type: 'b', properties: {}, occurredAt: 7 },
        { customerId: 2, type: 'b', properties: {}, occurredAt: 1, processed: true },
      ],
      10,
    );
    expect(ids[1]).toBeNull();
    expect([ids[0], ids[2], ids[3]].every((id) => typeof id === 'number')).toBe(true);
    expect(new Set([ids[0], ids[2], ids[3]]).size).toBe(3);
    const claimed = await s.events.claim({ now: 10, owner: 'w1', leaseMs: 100, limit: 10 });
    expect(claimed.map((e) => e.type)).toEqual(['a', 'b']);
    expect(claimed[0]!.properties).toEqual({ n: 1 });
    expect(await s.events.claim({ now: 20, owner: 'w2', leaseMs: 100, limit: 10 })).toEqual([]);
    expect(await s.events.claim({ now: 111, owner: 'w2', leaseMs: 100, limit: 10 })).toHaveLength(2);
    await s.runs.commit([unit({ eventIds: claimed.map((e) => e.id) })], 200);
    expect(await s.events.unprocessedCount()).toBe(0);
  });

  withStorage('lets several workers claim disjoint batches; a dead worker’s batch comes back when its lease ends', async (s) => {
    const ev = (n: number) => ({ customerId: 1, type: `e${n}`, properties: {}, occurredAt: n });
    await s.events.insert([1, 2, 3, 4, 5].map(ev), 1);
    const types = (l: { type: string }[]) => l.map((e) => e.type);
    const a = await s.events.claim({ now: 10, owner: 'w1', leaseMs: 100, limit: 2 });
    const b = await s.events.claim({ now: 10, owner: 'w2', leaseMs: 100, limit: 10 });
    expect(types(a)).toEqual(['e1', 'e2']);
    expect(types(b)).toEqual(['e3', 'e4', 'e5']);
    await s.runs.commit([unit({ eventIds: b.map((e) => e.id) })], 20);
    await s.events.insert([ev(6)], 30);
    // w2's finished batch holds nothing back; w1's (dead) batch stays leased until it expires.
    expect(types(await s.events.claim({ now: 40, owner: 'w3', leaseMs: 100, limit: 10 }))).toEqual(['e6']);
    expect(await s.events.claim({ now: 50, owner: 'w3', leaseMs: 100, limit: 10 })).toEqual([]);
    expect(types(await s.events.claim({ now: 111, owner: 'w3', leaseMs: 100, limit: 10 }))).toEqual(['e1', 'e2']);
  });

  withStorage('returns each stored event its id and each duplicate null, in input order, across large batches', async (s) => {
    // 200 inputs over 40 keys (repeats within and across the store's statement chunks); every fifth has no key.
    const input = Array.from({ length: 200 }, (_, i) => ({
      customerId: 1 + (i % 7),
      type: 't',
      properties: { i },
      occurredAt: i,
      idempotencyKey: i % 5 === 0 ? null : `k${i % 40}`,
    }));
    await s.events.insert([{ customerId: 1, type: 't', properties: { i: -1 }, occurredAt: 0, idempotencyKey: 'k1' }], 1);
    const ids = await s.events.insert(input, 2);
    const seen = new Set(['k1']);
    const expected = input.map((e) => {
      if (e.idempotencyKey === null) return true;
      if (seen.has(e.idempotencyKey)) return false;
      seen.add(e.idempotencyKey);
      return true;
    });
    expect(expected.filter((fresh) => !fresh).length).toBeGreaterThan(100);
    expect(ids.map((id) => id !== null)).toEqual(expected);
    // Each id is the stored event made from that input.
    for (const [n, id] of ids.entries()) {
      if (id === null) continue;
      const [stored] = await s.events.list(input[n]!.customerId, { since: n, limit: 1000 }).then((l) => l.filter((e) => e.id === id));
      expect(stored?.properties).toEqual({ i: n });
    }
  });

  withStorage('orders are unique by order id', async (s) => {
    expect(await s.orders.insert([{ customerId: 1, orderId: 'o1', orderedAt: 1, amount: 9.5 }, { customerId: 1, orderId: 'o1', orderedAt: 1, amount: 9.5 }])).toEqual([true, false]);
    expect(await s.orders.list(1)).toMatchObject([{ orderId: 'o1', amount: 9.5, quantity: 1, items: [] }]);
  });

  withStorage('names the customer an order id is stored for', async (s) => {
    const ids = await s.customers.resolve(['ann', 'bob'], 1, true);
    await s.orders.insert([{ customerId: ids.get('ann')!, orderId: 'o1', orderedAt: 1, amount: 5 }, { customerId: ids.get('bob')!, orderId: 'o2', orderedAt: 1, amount: 5 }]);
    expect(await s.orders.owners(['o1', 'o2', 'o3'])).toEqual(new Map([['o1', 'ann'], ['o2', 'bob']]));
    expect(await s.orders.owners([])).toEqual(new Map());
  });

  withStorage('publishes immutable, numbered journey versions', async (s) => {
    await s.journeys.saveDraft({ id: 'j', name: 'J', draft: { n: 1 } }, 1);
    expect(await s.journeys.publish('j', (v) => ({ v }), 2)).toBe(1);
    expect(await s.journeys.publish('j', (v) => ({ v }), 3)).toBe(2);
    expect((await s.journeys.version('j', 1))!.graph).toEqual({ v: 1 });
    expect(await s.journeys.get('j')).toMatchObject({ status: 'live', liveVersion: 2 });
    const before = await s.journeys.revision();
    await s.journeys.setStatus('j', 'paused', 4);
    expect(await s.journeys.revision()).not.toBe(before);
  });

  withStorage('commits units atomically with compare-and-set; a conflicting unit is rolled back alone', async (s) => {
    const first = await s.runs.reserveIds(2);
    expect(await s.runs.reserveIds(1)).toBe(first + 2);
    await s.runs.commit([unit({ inserts: [run(first, 1), run(first + 1, 2)] })], 0);
    const ok = unit({
      updates: [{ run: run(first, 1, { nodeId: 'b', visit: 2, status: 'completed', wakeAt: null }), expect: { nodeId: 'a', visit: 1 } }],
      history: [{ runId: first, visit: 2, nodeId: 'a', at: 5, kind: 'port', port: 'next' }],
      outbox: [{ key: `${first}:a:2`, runId: first, journeyId: 'j', nodeId: 'a', customerId: 1, kind: 'email', payload: { s: 1 } }],
      counters: [{ journeyId: 'j', version: 1, nodeId: 'a', key: 'port:next', by: 1 }],
    });
    const stale = unit({
      updates: [{ run: run(first + 1, 2, { nodeId: 'b', visit: 9 }), expect: { nodeId: 'a', visit: 7 } }],
      history: [{ runId: first + 1, visit: 9, nodeId: 'a', at: 5, kind: 'port', port: 'next' }],
      outbox: [{ key: `${first + 1}:a:9`, runId: first + 1, journeyId: 'j', nodeId: 'a', customerId: 2, kind: 'email', payload: {} }],
      counters: [{ journeyId: 'j', version: 1, nodeId: 'a', key: 'port:next', by: 1 }],
    });
    expect(await s.runs.commit([ok, stale], 5)).toEqual({ failed: [1] });
    expect(await s.runs.get(first)).toMatchObject({ nodeId: 'b', visit: 2, status: 'completed' });
    expect(await s.runs.get(first + 1)).toMatchObject({ nodeId: 'a', visit: 1 });
    expect(await s.runs.history(first + 1)).toEqual([]);
    expect(await s.outbox.get(`${first + 1}:a:9`)).toBeNull();
    expect(await s.runs.counters('j')).toEqual([{ version: 1, nodeId: 'a', key: 'port:next', count: 1 }]);
    // Re-committing the same outbox key is a no-op: exactly once.
    await s.runs.commit([unit({ outbox: ok.outbox })], 6);
    expect(await s.outbox.list({})).toHaveLength(1);
  });

  withStorage('grants a journey entry per the re-entry rule and refuses the rest, rolling the refused unit back whole', async (s) => {
    // Each entry: a unit inserting the run, its history, an outbox entry and its claim.
    const enter = async (runId: number, customerId: number, at: number, minGapMs: number | null, over: Partial<RunRecord> = {}) => {
      const u = unit({
        inserts: [run(runId, customerId, { enteredAt: at, ...over })],
        history: [{ runId, visit: 0, nodeId: 'a', at, kind: 'enter' }],
        outbox: [{ key: `${runId}:a:1`, runId, journeyId: 'j', nodeId: 'a', customerId, kind: 'email', payload: {} }],
        entries: [{ journeyId: 'j', customerId, runId, at, minGapMs }],
      });
      return (await s.runs.commit([u], at)).failed.length === 0;
    };
    const id = await s.runs.reserveIds(20);
    // once: the first entry only, even when its run has ended.
    expect(await enter(id, 1, 10, null, { status: 'completed' })).toBe(true);
    expect(await enter(id + 1, 1, 20, null)).toBe(false);
    expect(await s.runs.get(id + 1)).toBeNull();
    expect(await s.runs.history(id + 1)).toEqual([]);
    expect(await s.outbox.get(`${id + 1}:a:1`)).toBeNull();
    // always: not while the customer's run is open; again once it ended.
    expect(await enter(id + 2, 2, 10, 0)).toBe(true);
    expect(await enter(id + 3, 2, 11, 0)).toBe(false);
    await s.runs.commit([unit({ updates: [{ run: run(id + 2, 2, { enteredAt: 10, status: 'completed', wakeAt: null, visit: 2 }), expect: { nodeId: 'a', visit: 1 } }] })], 12);
    expect(await enter(id + 4, 2, 13, 0)).toBe(true);
    // after: not before the gap has passed since the last entry, then again.
    expect(await enter(id + 5, 3, 100, 50, { status: 'completed' })).toBe(true);
    expect(await enter(id + 6, 3, 149, 50, { status: 'completed' })).toBe(false);
    expect(await enter(id + 7, 3, 150, 50, { status: 'completed' })).toBe(true);
    // Other customers and journeys are not affected; a batch commits the granted units and fails only the refused one.
    const batch = [4, 1, 5].map((c, i) =>
      unit({ inserts: [run(id + 10 + i, c, { enteredAt: 200 })], entries: [{ journeyId: 'j', customerId: c, runId: id + 10 + i, at: 200, minGapMs: null }] }),
    );
    expect(await s.runs.commit(batch, 200)).toEqual({ failed: [1] });
    expect((await s.runs.forCustomer(4)).map((r) => r.id)).toEqual([id + 10]);
    expect((await s.runs.forCustomer(5)).map((r) => r.id)).toEqual([id + 12]);
    // Two claims in one unit: the refused second undoes the granted first.
    const both = unit({
      inserts: [run(id + 13, 6, { enteredAt: 300 }), run(id + 14, 1, { enteredAt: 300 })],
      entries: [
        { journeyId: 'j', customerId: 6, runId: id + 13, at: 300, minGapMs: null },
        { journeyId: 'j', customerId: 1, runId: id + 14, at: 300, minGapMs: null },
      ],
    });
    expect(await s.runs.commit([both], 300)).toEqual({ failed: [0] });
    expect(await enter(id + 15, 6, 301, null)).toBe(true);
  });

  withStorage('run moves: waiting runs go to the new version in one go, with the visit bumped, a history row, and leased runs left alone', async (s) => {
    await s.journeys.saveDraft({ id: 'j', name: 'J', draft: {} }, 0);
    const id = await s.runs.reserveIds(7);
    const wait = { since: 0, until: 1000, timeoutPort: 'next' };
    await s.runs.commit(
      [
        unit({
          inserts: [
            run(id, 1, { wait }),
            run(id + 1, 2, { wait, state: { $timedOut: { nodeId: 'old' }, plan: 'pro' } }),
            run(id + 2, 3, { wait, wakeAt: 10 }), // due: a worker leases it below
            run(id + 3, 4, { nodeId: 'b' }),
            run(id + 4, 5, { status: 'completed', wakeAt: null, endedAt: 5 }),
            run(id + 5, 6, { nodeId: 'c', waitEvent: 'click', wait: { since: 0, event: { type: 'click', port: 'yes' } } }),
            run(id + 6, 7, { nodeId: 'exit', wait }), // a node that happens to be named "exit"
          ],
        }),
      ],
      0,
    );
    expect(await s.runMoves.waiting('j', 1)).toEqual([
      { nodeId: 'a', count: 3 },
      { nodeId: 'b', count: 1 },
      { nodeId: 'c', count: 1 },
      { nodeId: 'exit', count: 1 },
    ]);
    expect((await s.runs.claimDue({ now: 50, owner: 'w', leaseMs: 1000, limit: 10 })).map((r) => r.id)).toEqual([id + 2]);
    const moves = [
      { from: 'a', to: 'a2', replan: false },
      { from: 'b', to: null, replan: false },
      { from: 'c', to: 'c', replan: true },
      { from: 'exit', to: 'exit', replan: false },
    ];
    expect(await s.runMoves.apply({ journeyId: 'j', from: 1, to: 2, moves }, 60)).toEqual({ moved: 4, exited: 1, busy: 1 });
    // The node named "exit" is a node like any other: its run moves there and keeps waiting.
    expect(await s.runs.get(id + 6)).toMatchObject({ version: 2, nodeId: 'exit', visit: 2, status: 'waiting', wakeAt: 1000 });
    // Kept: the absolute due time and the wait.
    expect(await s.runs.get(id)).toMatchObject({ version: 2, nodeId: 'a2', visit: 2, status: 'waiting', wakeAt: 1000, wait });
    // A timeout taken in the old version is forgotten: a late event cannot take the run back into the old graph.
    expect((await s.runs.get(id + 1))!.state).toEqual({ plan: 'pro' });
    expect(await s.runs.get(id + 3)).toMatchObject({ version: 1, status: 'exited', endReason: 'migration', endedAt: 60, wakeAt: null });
    // Re-planned: woken now without its old wait, so the new node plans it again.
    expect(await s.runs.get(id + 5)).toMatchObject({ version: 2, nodeId: 'c', visit: 2, wakeAt: 60, waitEvent: null, wait: null });
    expect(await s.runs.get(id + 2)).toMatchObject({ version: 1, nodeId: 'a', visit: 1 });
    expect(await s.runs.get(id + 4)).toMatchObject({ version: 1, status: 'completed', visit: 1 });
    expect((await s.runs.history(id)).at(-1)).toMatchObject({ kind: 'migrate', visit: 2, nodeId: 'a2', at: 60, detail: { fromVersion: 1, toVersion: 2, from: 'a', to: 'a2', replan: false } });
    // A worker that read run `id` before the move writes nothing: its compare-and-set fails.
    expect(await s.runs.commit([unit({ updates: [{ run: run(id, 1, { status: 'completed' }), expect: { nodeId: 'a', visit: 1 } }] })], 70)).toEqual({ failed: [0] });
    // Once its lease expired, the leased run moves too, and nothing is moved twice.
    expect(await s.runMoves.apply({ journeyId: 'j', from: 1, to: 2, moves }, 2000)).toEqual({ moved: 1, exited: 0, busy: 0 });
    expect(await s.runs.get(id + 2)).toMatchObject({ version: 2, nodeId: 'a2', visit: 2 });
    expect(await s.runMoves.waiting('j', 1)).toEqual([]);
    // Moved runs count as entering their new node, or its funnel shows more leaving than ever came in.
    const entered = (await s.runs.counters('j')).filter((c) => c.key === 'entered').sort((a, b) => a.nodeId.localeCompare(b.nodeId));
    expect(entered).toEqual([
      { version: 2, nodeId: 'a2', key: 'entered', count: 3 },
      { version: 2, nodeId: 'c', key: 'entered', count: 1 },
      { version: 2, nodeId: 'exit', key: 'entered', count: 1 },
    ]);
  });

  withStorage('claims due runs once per lease, skipping frozen journeys', async (s) => {
    await s.journeys.saveDraft({ id: 'j', name: 'J', draft: {} }, 0);
    await s.journeys.saveDraft({ id: 'p', name: 'P', draft: {} }, 0);
    await s.journeys.setStatus('p', 'paused', 0);
    const id = await s.runs.reserveIds(3);
    await s.runs.commit([unit({ inserts: [run(id, 1, { wakeAt: 100 }), run(id + 1, 2, { wakeAt: 5000 }), run(id + 2, 3, { journeyId: 'p', wakeAt: 50 })] })], 0);
    expect(await s.runs.nextWakeAt()).toBe(100);
    expect((await s.runs.claimDue({ now: 200, owner: 'a', leaseMs: 1000, limit: 10 })).map((r) => r.id)).toEqual([id]);
    expect(await s.runs.claimDue({ now: 300, owner: 'b', leaseMs: 1000, limit: 10 })).toEqual([]);
    expect((await s.runs.claimDue({ now: 1200, owner: 'b', leaseMs: 1000, limit: 10 })).map((r) => r.id)).toEqual([id]);
  });

  withStorage('runs: nextWakeAfter is the earliest wake time of an open run after now', async (s) => {
    const id = await s.runs.reserveIds(4);
    await s.runs.commit([unit({ inserts: [run(id, 1, { wakeAt: 100 }), run(id + 1, 2, { wakeAt: 5000 }), run(id + 2, 3, { wakeAt: 300 }), run(id + 3, 4, { wakeAt: 200, status: 'completed' })] })], 0);
    expect(await s.runs.nextWakeAfter(0)).toBe(100);
    // A run already due is the claim's business, not the sleep's; an ended one never wakes.
    expect(await s.runs.nextWakeAfter(100)).toBe(300);
    expect(await s.runs.nextWakeAfter(5000)).toBeNull();
  });

  withStorage('runs: nextWakeAt is when a run can be claimed, after another worker\'s lease on it', async (s) => {
    const id = await s.runs.reserveIds(2);
    await s.runs.commit([unit({ inserts: [run(id, 1, { wakeAt: 100 }), run(id + 1, 2, { wakeAt: 5000 })] })], 0);
    expect((await s.runs.claimDue({ now: 100, owner: 'other', leaseMs: 1000, limit: 1 })).map((r) => r.id)).toEqual([id]);
    // Leased until 1100: not claimable before, so not due before.
    expect(await s.runs.nextWakeAt()).toBe(1100);
    expect(await s.runs.claimDue({ now: 1099, owner: 'me', leaseMs: 1000, limit: 10 })).toEqual([]);
    expect((await s.runs.claimDue({ now: 1100, owner: 'me', leaseMs: 1000, limit: 1 })).map((r) => r.id)).toEqual([id]);
  });

  withStorage('an `always` entry is granted in the unit that ends the customer\'s open run (the order that ends one run starts the next)', async (s) => {
    const id = await s.runs.reserveIds(3);
    await s.runs.commit([unit({ inserts: [run(id, 7, { enteredAt: 10 })], entries: [{ journeyId: 'j', customerId: 7, runId: id, at: 10, minGapMs: 0 }] })], 10);
    const ending = { run: run(id, 7, { enteredAt: 10, status: 'completed', wakeAt: null, visit: 2 }), expect: { nodeId: 'a', visit: 1 } };
    const next = unit({ updates: [ending], inserts: [run(id + 1, 7, { enteredAt: 20 })], entries: [{ journeyId: 'j', customerId: 7, runId: id + 1, at: 20, minGapMs: 0 }] });
    expect((await s.runs.commit([next], 20)).failed).toEqual([]);
    expect((await s.runs.get(id))!.status).toBe('completed');
    expect((await s.runs.get(id + 1))!.status).toBe('waiting');
    // A unit that leaves the open run open still cannot enter again.
    const still = unit({ inserts: [run(id + 2, 7, { enteredAt: 30 })], entries: [{ journeyId: 'j', customerId: 7, runId: id + 2, at: 30, minGapMs: 0 }] });
    expect((await s.runs.commit([still], 30)).failed).toEqual([0]);
  });

  withStorage('outbox: a unit withdraws pending entries with a reason, never one already being sent', async (s) => {
    const entry = (key: string, customerId: number) => ({ key, runId: customerId, journeyId: 'j', nodeId: 'n', customerId, kind: 'email', payload: {} });
    await s.runs.commit([unit({ outbox: [entry('k1', 1)] })], 0);
    await s.outbox.claim({ now: 10, owner: 'w', leaseMs: 100, limit: 10 });
    await s.outbox.settle([], 11, { owner: 'w', leaseMs: 100, keys: ['k1'] });
    await s.runs.commit([unit({ outbox: [entry('k2', 2), entry('k3', 3)] })], 20);
    await s.outbox.claim({ now: 21, owner: 'w', leaseMs: 100, limit: 1 });
    await s.runs.commit([unit({ withdrawn: [{ key: 'k1', reason: 'corrected' }, { key: 'k2', reason: 'corrected' }, { key: 'k3', reason: 'corrected' }] })], 30);
    expect(await s.outbox.get('k1')).toMatchObject({ status: 'sending' });
    // k2 was claimed but not started, k3 still pending: neither is on the wire, both are withdrawn.
    expect(await s.outbox.get('k2')).toMatchObject({ status: 'skipped', lastError: 'corrected' });
    expect(await s.outbox.get('k3')).toMatchObject({ status: 'skipped', lastError: 'corrected' });
    expect(await s.outbox.settle([], 35, { owner: 'w', leaseMs: 100, keys: ['k2'] })).toEqual([]);
    expect(await s.outbox.claim({ now: 40, owner: 'w', leaseMs: 100, limit: 10 })).toEqual([]);
  });

  withStorage('outbox: claimed entries a crashed sender never started go back to pending; only started ones are unknown', async (s) => {
    const entry = (key: string, customerId: number) => ({ key, runId: 1, journeyId: 'j', nodeId: 'n', customerId, kind: 'email', payload: {} });
    await s.runs.commit([unit({ outbox: [entry('k1', 1), entry('k2', 2), entry('k3', 3)] })], 0);
    const claimed = await s.outbox.claim({ now: 10, owner: 'w', leaseMs: 100, limit: 10 });
    expect(claimed.map((o) => [o.key, o.status, o.attempts])).toEqual([['k1', 'claimed', 0], ['k2', 'claimed', 0], ['k3', 'claimed', 0]]);
    expect(await s.outbox.settle([], 11, { owner: 'w', leaseMs: 100, keys: ['k1', 'k2'] })).toEqual(['k1', 'k2']);
    expect((await s.outbox.get('k1'))!).toMatchObject({ status: 'sending', attempts: 1 });
    // k1's outcome and nothing else lands; then the worker dies with k2 on the wire and k3 never started.
    await s.outbox.settle([{ key: 'k1', status: 'sent', detail: { messageId: 'm' } }], 20);
    expect(await s.outbox.recover(50)).toEqual({ released: 0, unknown: 0, cancelled: 0 });
    expect(await s.outbox.recover(500)).toEqual({ released: 1, unknown: 1, cancelled: 0 });
    expect((await s.outbox.get('k2'))!.status).toBe('unknown');
    expect((await s.outbox.get('k3'))!).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await s.outbox.claim({ now: 1000, owner: 'w', leaseMs: 100, limit: 10 })).map((o) => o.key)).toEqual(['k3']);
    expect(await s.outbox.countSent(1, ['email'], 0)).toBe(1);
    expect(await s.outbox.countSent(2, ['email'], 0)).toBe(1);
  });

  withStorage('outbox: a start settled as no attempt (deferred by policy) gives its attempt back', async (s) => {
    await s.runs.commit([unit({ outbox: [{ key: 'd', runId: 1, journeyId: 'j', nodeId: 'n', customerId: 1, kind: 'email', payload: {} }] })], 0);
    await s.outbox.claim({ now: 10, owner: 'w', leaseMs: 100, limit: 10 });
    expect(await s.outbox.settle([], 11, { owner: 'w', leaseMs: 100, keys: ['d'] })).toEqual(['d']);
    await s.outbox.settle([{ key: 'd', status: 'pending', error: 'budget', nextAttemptAt: 500, notAnAttempt: true }], 12);
    expect(await s.outbox.get('d')).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: 500, lastError: 'budget' });
  });

  withStorage('outbox: a worker whose claim expired and passed to another cannot start the entry (no double send)', async (s) => {
    await s.runs.commit([unit({ outbox: [{ key: 'k', runId: 1, journeyId: 'j', nodeId: 'n', customerId: 1, kind: 'email', payload: {} }] })], 0);
    await s.outbox.claim({ now: 10, owner: 'slow', leaseMs: 100, limit: 10 });
    await s.outbox.recover(200);
    await s.outbox.claim({ now: 200, owner: 'fast', leaseMs: 100, limit: 10 });
    expect(await s.outbox.settle([], 210, { owner: 'slow', leaseMs: 100, keys: ['k'] })).toEqual([]);
    expect(await s.outbox.settle([], 210, { owner: 'fast', leaseMs: 100, keys: ['k'] })).toEqual(['k']);
    // Starting renews the lease from the start: not unknown before 310.
    expect((await s.outbox.recover(300)).unknown).toBe(0);
    expect((await s.outbox.get('k'))!).toMatchObject({ status: 'sending', attempts: 1 });
  });

  withStorage('outbox: requeue puts unknown entries (all or by key) back to pending now', async (s) => {
    const entry = (key: string, customerId: number) => ({ key, runId: 1, journeyId: 'j', nodeId: 'n', customerId, kind: 'email', payload: {} });
    await s.runs.commit([unit({ outbox: [entry('u1', 1), entry('u2', 2), entry('s1', 3)] })], 0);
    await s.outbox.claim({ now: 10, owner: 'w', leaseMs: 100, limit: 10 });
    await s.outbox.settle([], 11, { owner: 'w', leaseMs: 100, keys: ['u1', 'u2', 's1'] });
    await s.outbox.settle([{ key: 's1', status: 'sent' }], 12);
    await s.outbox.recover(500);
    expect(await s.outbox.requeue({ status: 'unknown', keys: ['u2', 's1'] }, 600)).toBe(1);
    expect((await s.outbox.get('u2'))!).toMatchObject({ status: 'pending', nextAttemptAt: 600 });
    expect((await s.outbox.get('s1'))!.status).toBe('sent');
    expect(await s.outbox.requeue({ status: 'unknown' }, 700)).toBe(1);
    expect((await s.outbox.claim({ now: 700, owner: 'w', leaseMs: 100, limit: 10 })).map((o) => o.key).sort()).toEqual(['u1', 'u2']);
  });

  withStorage('outbox: entries of a paused journey are held, of an archived one cancelled; other kinds can be excluded', async (s) => {
    for (const id of ['live', 'paused', 'gone']) await s.journeys.saveDraft({ id, name: id, draft: {} }, 0);
    await s.journeys.setStatus('live', 'live', 0);
    await s.journeys.setStatus('paused', 'paused', 0);
    await s.journeys.setStatus('gone', 'archived', 0);
    const entry = (key: string, journeyId: string, customerId: number, kind = 'email') => ({ key, runId: 1, journeyId, nodeId: 'n', customerId, kind, payload: {} });
    await s.runs.commit([unit({ outbox: [entry('l', 'live', 1), entry('w', 'live', 4, 'webhook'), entry('p', 'paused', 2), entry('g', 'gone', 3)] })], 5);
    expect(await s.outbox.nextAttemptAt()).toBe(5);
    expect(await s.outbox.recover(10)).toEqual({ released: 0, unknown: 0, cancelled: 1 });
    expect((await s.outbox.get('g'))!).toMatchObject({ status: 'cancelled', lastError: expect.stringMatching(/archived/) });
    expect((await s.outbox.claim({ now: 10, owner: 'w', leaseMs: 100, limit: 10, exceptKinds: ['webhook'] })).map((o) => o.key)).toEqual(['l']);
    await s.outbox.settle([{ key: 'l', status: 'sent' }], 11);
    expect(await s.outbox.claim({ now: 20, owner: 'w', leaseMs: 100, limit: 10, exceptKinds: ['webhook'] })).toEqual([]);
    await s.journeys.setStatus('paused', 'live', 30);
    expect((await s.outbox.claim({ now: 30, owner: 'w', leaseMs: 100, limit: 10 })).map((o) => o.key).sort()).toEqual(['p', 'w']);
  });

  withStorage('outbox: settle releases a claimed entry untouched when given pending without a next attempt', async (s) => {
    await s.runs.commit([unit({ outbox: [{ key: 'r', runId: 1, journeyId: 'j', nodeId: 'n', customerId: 1, kind: 'email', payload: {} }] })], 7);
    await s.outbox.claim({ now: 10, owner: 'w', leaseMs: 100, limit: 10 });
    await s.outbox.settle([{ key: 'r', status: 'pending' }], 11);
    expect((await s.outbox.get('r'))!).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: 7 });
    expect(await s.outbox.claim({ now: 12, owner: 'w2', leaseMs: 100, limit: 10 })).toHaveLength(1);
  });

  withStorage('outbox: a customer with a delivery in flight is not claimed by another worker', async (s) => {
    const entry = (key: string, customerId: number, at: number) => ({ key, runId: at, journeyId: 'j', nodeId: 'n', customerId, kind: 'email', payload: {} });
    await s.runs.commit([unit({ outbox: [entry('a1', 1, 1)] })], 1);
    await s.runs.commit([unit({ outbox: [entry('a2', 1, 2), entry('b1', 2, 2)] })], 2);
    expect((await s.outbox.claim({ now: 10, owner: 'w1', leaseMs: 100, limit: 1 })).map((o) => o.key)).toEqual(['a1']);
    expect((await s.outbox.claim({ now: 10, owner: 'w2', leaseMs: 100, limit: 10 })).map((o) => o.key)).toEqual(['b1']);
    await s.outbox.settle([{ key: 'a1', status: 'sent' }], 20);
    expect((await s.outbox.claim({ now: 20, owner: 'w2', leaseMs: 100, limit: 10 })).map((o) => o.key)).toEqual(['a2']);
  });

  withStorage('applies profile changes committed with a step', async (s) => {
    const [id] = await s.customers.upsert([{ externalId: 'c', attributes: { visits: 1, tags: ['a'] } }], 0);
    await s.runs.commit([unit({ profiles: [{ customerId: id!, set: { tier: 'vip' }, increment: { visits: 2 }, addTags: ['b'], removeTags: ['a'] }] })], 1);
    expect((await s.customers.get([id!]))[0]!.attributes).toEqual({ visits: 3, tier: 'vip', tags: ['b'] });
  });

  withStorage('stores scores and segments', async (s) => {
    await s.scores.put([{ customerId: 1, model: 'churn', value: 0.7, data: { band: 'high' }, modelVersion: 'v1', scoredAt: 1 }]);
    await s.scores.put([{ customerId: 1, model: 'churn', value: 0.2, data: {}, modelVersion: 'v2', scoredAt: 2 }]);
    expect(await s.scores.forCustomer(1)).toMatchObject([{ model: 'churn', value: 0.2, modelVersion: 'v2' }]);
    await s.segments.save({ name: 'vip', definition: { all: [] } }, 1);
    expect((await s.segments.get('vip'))!.definition).toEqual({ all: [] });
    expect(await s.segments.delete('vip')).toBe(true);
  });

  withStorage('segment membership: upserts by segment and customer, lists one segment, clears it', async (s) => {
    await s.segmentMembers.put([
      { segment: 'vip', customerId: 2, member: true, entries: 1, changedAt: 10 },
      { segment: 'vip', customerId: 1, member: true, entries: 1, changedAt: 10 },
      { segment: 'lapsed', customerId: 1, member: true, entries: 3, changedAt: 10 },
    ]);
    await s.segmentMembers.put([{ segment: 'vip', customerId: 2, member: false, entries: 1, changedAt: 20 }]);
    expect(await s.segmentMembers.list('vip')).toEqual([
      { segment: 'vip', customerId: 1, member: true, entries: 1, changedAt: 10 },
      { segment: 'vip', customerId: 2, member: false, entries: 1, changedAt: 20 },
    ]);
    await s.segmentMembers.clear('vip');
    expect(await s.segmentMembers.list('vip')).toEqual([]);
    expect(await s.segmentMembers.list('lapsed')).toMatchObject([{ customerId: 1, entries: 3 }]);
  });

  withStorage('segment reads: events, orders and scores of many customers in one call each', async (s) => {
    const [a, b, c] = await s.customers.upsert([{ externalId: 'a' }, { externalId: 'b' }, { externalId: 'c' }], 0);
    await s.events.insert(
      [
        { customerId: a!, type: 'view', properties: { n: 1 }, occurredAt: 10 },
        { customerId: a!, type: 'view', properties: { n: 2 }, occurredAt: 30 },
        { customerId: a!, type: 'click', properties: {}, occurredAt: 20 },
        { customerId: b!, type: 'view', properties: { n: 3 }, occurredAt: 5 },
        { customerId: b!, type: 'view', properties: { n: 4 }, occurredAt: 50 },
        { customerId: c!, type: 'view', properties: { n: 5 }, occurredAt: 20 },
      ],
      0,
    );
    const views = await s.segmentReads.events([a!, b!], ['view'], { since: 6, until: 40 });
    expect(views.map((e) => [e.customerId, e.properties.n])).toEqual([
      [a!, 2],
      [a!, 1],
    ]);
    expect((await s.segmentReads.events([a!, b!], ['view', 'click'], { until: 100 })).length).toBe(5);
    expect(await s.segmentReads.events([], ['view'], { until: 100 })).toEqual([]);
    await s.orders.insert([
      { customerId: a!, orderId: 'o1', orderedAt: 10, amount: 5 },
      { customerId: b!, orderId: 'o2', orderedAt: 10, amount: 7, items: ['x'] },
      { customerId: b!, orderId: 'o3', orderedAt: 99, amount: 9 },
    ]);
    expect((await s.segmentReads.orders([b!, c!], 50)).map((o) => [o.orderId, o.amount, o.items])).toEqual([['o2', 7, ['x']]]);
    await s.scores.put([
      { customerId: a!, model: 'churn', value: 0.5, data: { band: 'mid' }, modelVersion: 'v', scoredAt: 1 },
      { customerId: a!, model: 'lifecycle', value: null, data: { stage: 'new' }, modelVersion: 'v', scoredAt: 1 },
      { customerId: c!, model: 'churn', value: 0.1, data: {}, modelVersion: 'v', scoredAt: 1 },
    ]);
    const scores = await s.segmentReads.scores([a!, b!], ['lifecycle', 'purchase']);
    expect(scores).toEqual([{ customerId: a!, model: 'lifecycle', value: null, data: { stage: 'new' }, modelVersion: 'v', scoredAt: 1 }]);
  });

  withStorage('models: upserts many scores in one call, pages them per model, keeps the latest report', async (s) => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ customerId: i + 1, model: 'clv', value: i, data: { i }, modelVersion: 'v1', scoredAt: 1 }));
    // A repeated key within one call: the later row wins.
    await s.scores.put([...rows, { customerId: 7, model: 'clv', value: -1, data: {}, modelVersion: 'v2', scoredAt: 2 }]);
    const page = await s.models.scoresOf('clv', { afterCustomerId: 5, limit: 3 });
    expect(page.map((r) => [r.customerId, r.value])).toEqual([[6, 5], [7, -1], [8, 7]]);
    expect(page[0]!.data).toEqual({ i: 5 });
    expect(await s.models.scoresOf('churn', { afterCustomerId: 0, limit: 10 })).toEqual([]);

    expect(await s.models.latestReport()).toBeNull();
    await s.models.saveReport({ version: 'v1', report: { auc: 0.7 } }, 10);
    const saved = await s.models.saveReport({ version: 'v2', report: { auc: 0.8, nested: [1] } }, 20);
    expect(await s.models.latestReport()).toEqual({ id: saved.id, version: 'v2', createdAt: 20, report: { auc: 0.8, nested: [1] } });

    const ids = await s.customers.upsert([{ externalId: 'a' }, { externalId: 'b' }, { externalId: 'c' }], 1);
    expect(await s.models.customerIds({ afterId: ids[0]!, limit: 10 })).toEqual(ids.slice(1));
    await s.events.insert(
      [
        { customerId: 1, type: 'email_opened', properties: {}, occurredAt: 5 },
        { customerId: 1, type: 'page_view', properties: {}, occurredAt: 6 },
        { customerId: 2, type: 'email_clicked', properties: {}, occurredAt: 7 },
      ],
      10,
    );
    const events = await s.models.eventsOfTypes(['email_opened', 'email_clicked'], { afterId: 0, limit: 10 });
    expect(events.map((e) => [e.customerId, e.type, e.occurredAt])).toEqual([[1, 'email_opened', 5], [2, 'email_clicked', 7]]);
    expect(await s.models.eventsOfTypes(['email_opened', 'email_clicked'], { afterId: events[0]!.id, limit: 10 })).toHaveLength(1);
    await s.sends.record({ key: 'k2', customerId: 2, category: 'marketing', capped: true }, 30);
    await s.sends.record({ key: 'k1', customerId: 1, category: 'marketing', capped: true }, 40);
    const sends = await s.models.sends({ afterSeq: 0, limit: 10 });
    expect(sends.map((x) => [x.customerId, x.sentAt])).toEqual([[2, 30], [1, 40]]);
    expect(await s.models.sends({ afterSeq: sends[0]!.seq, limit: 10 })).toHaveLength(1);
  });

  withStorage('auth: unique users, expiring sessions, revocable API keys', async (s) => {
    const u = await s.auth.createUser({ email: 'a@x.io', passwordHash: 'h', role: 'admin' }, 1);
    expect(u).toMatchObject({ email: 'a@x.io', role: 'admin' });
    expect(await s.auth.createUser({ email: 'a@x.io', passwordHash: 'h2', role: 'editor' }, 2)).toBeNull();
    expect(await s.auth.countUsers()).toBe(1);
    await s.auth.createSession({ tokenHash: 't', userId: u!.id, csrfToken: 'c', createdAt: 1, expiresAt: 100 });
    expect(await s.auth.session('t', 50)).toMatchObject({ userId: u!.id, csrfToken: 'c' });
    expect(await s.auth.session('t', 100)).toBeNull();
    await s.auth.createSession({ tokenHash: 't2', userId: u!.id, csrfToken: 'c2', createdAt: 100, expiresAt: 200 });
    expect(await s.auth.session('t', 50)).toBeNull();
    expect(await s.auth.session('t2', 150)).toMatchObject({ csrfToken: 'c2' });
    const k = await s.auth.createApiKey({ name: 'site', prefix: 'fsk_ab', keyHash: 'kh', scope: 'track' }, 5);
    expect((await s.auth.useApiKey('kh', 6))!.lastUsedAt).toBe(6);
    expect(await s.auth.revokeApiKey(k.id, 7)).toBe(true);
    expect(await s.auth.revokeApiKey(k.id, 8)).toBe(false);
    expect(await s.auth.useApiKey('kh', 9)).toBeNull();
  });

  withStorage('auth: an API key keeps its own ingestion rate limit (null: default, 0: unlimited)', async (s) => {
    const plain = await s.auth.createApiKey({ name: 'site', prefix: 'fsk_aa', keyHash: 'k1', scope: 'track' }, 1);
    const trusted = await s.auth.createApiKey({ name: 'backend', prefix: 'fsk_bb', keyHash: 'k2', scope: 'track', rateLimit: 0 }, 1);
    const busy = await s.auth.createApiKey({ name: 'shop', prefix: 'fsk_cc', keyHash: 'k3', scope: 'track', rateLimit: 2000 }, 1);
    expect([plain.rateLimit, trusted.rateLimit, busy.rateLimit]).toEqual([null, 0, 2000]);
    expect((await s.auth.useApiKey('k3', 2))!.rateLimit).toBe(2000);
    expect((await s.auth.listApiKeys()).map((k) => k.rateLimit)).toEqual([null, 0, 2000]);
  });

  withStorage('retention: removes old history and settled deliveries of ended runs and old processed events, in bounded windows', async (s) => {
    const first = await s.runs.reserveIds(3);
    const [oldEnded, openRun, newEnded] = [first, first + 1, first + 2];
    const ended = (id: number, at: number) => run(id, id, { status: 'completed', wakeAt: null, endedAt: at, endReason: 'completed' });
    const step = (runId: number, at: number) => ({ runId, visit: 1, nodeId: 'a', at, kind: 'port', port: 'next' });
    const mail = (runId: number, key: string) => ({ key, runId, journeyId: 'j', nodeId: 'a', customerId: runId, kind: 'email', payload: {} });
    await s.runs.commit([unit({ inserts: [ended(oldEnded, 20), run(openRun, 2), ended(newEnded, 500)], history: [step(oldEnded, 10), step(openRun, 10), step(oldEnded, 20), step(newEnded, 500)], outbox: [mail(oldEnded, 'sent'), mail(oldEnded, 'pending'), mail(newEnded, 'new')] })], 20);
    await s.runs.commit([unit({ withdrawn: [{ key: 'sent', reason: 'test' }] })], 21);
    const events = await s.events.insert([10, 20, 30, 600].map((t, i) => ({ customerId: 1, type: 'x', properties: {}, occurredAt: t, idempotencyKey: `e${i}`, processed: i !== 1 })), 0);
    expect(events.every((e) => e !== null)).toBe(true);

    // Windows of two rows: the walk goes on until it reaches rows from `before` (100) on.
    let after = 0;
    const seen = { history: 0, deliveries: 0 };
    for (let i = 0; i < 10; i++) {
      const r = await s.retention.pruneHistory(100, after, 2);
      seen.history += r.history;
      seen.deliveries += r.deliveries;
      if (r.next === null) break;
      after = r.next;
    }
    expect(seen).toEqual({ history: 2, deliveries: 1 });
    expect(await s.runs.history(oldEnded)).toEqual([]);
    expect((await s.runs.history(openRun)).length).toBe(1);
    expect((await s.runs.history(newEnded)).length).toBe(1);
    expect(await s.outbox.get('sent')).toBeNull();
    // A delivery not settled yet stays whatever its run's age; so do recent runs' ones.
    expect(await s.outbox.get('pending')).toMatchObject({ status: 'pending' });
    expect(await s.outbox.get('new')).not.toBeNull();
    expect(await s.runs.get(oldEnded)).toMatchObject({ status: 'completed' });

    // Events are stamped with their arrival (`now` of insert: 0 here), so all are old; the unprocessed one stays.
    expect(await s.retention.pruneEvents(100, 0, 10)).toEqual({ events: 3, next: null });
    expect(await s.events.unprocessedCount()).toBe(1);
  });

  withStorage('retention: old sends leave the send log as per-minute counts, so the emails-sent KPI keeps its value', async (s) => {
    const MIN = 60_000;
    const [a] = await s.customers.upsert([{ externalId: 'a' }], 0);
    const times = [5, 10, MIN + 1, MIN + 2, 2 * MIN, 10 * MIN, 10 * MIN + 5];
    for (const [i, at] of times.entries()) await s.sends.record({ key: `m${i}`, customerId: a!, category: 'marketing', capped: true }, at);
    const ranges = [{ from: 0, to: MIN }, { from: MIN, to: 2 * MIN }, { from: 0, to: 3 * MIN }, { from: 0, to: 20 * MIN }, { from: 3 * MIN, to: 20 * MIN }];
    const sent = async () => Promise.all(ranges.map(async (r) => (await s.kpis.email(r)).sent));
    expect(await sent()).toEqual([2, 2, 5, 7, 2]);

    // Windows of two: the walk stops at the first window reaching sends from `before` on.
    let after = 0;
    let pruned = 0;
    for (let i = 0; i < 10; i++) {
      const r = await s.retention.pruneSends(3 * MIN, after, 2);
      pruned += r.sends;
      if (r.next === null) break;
      after = r.next;
    }
    expect(pruned).toBe(5);
    expect(await sent()).toEqual([2, 2, 5, 7, 2]);
    // The caps still see what is recent, and nothing that was pruned.
    expect(await s.sends.countAll(a!, 0)).toBe(2);
    // A second pass over the same sends counts nothing twice.
    expect(await s.retention.pruneSends(3 * MIN, 0, 10)).toEqual({ sends: 0, next: null });
    expect(await sent()).toEqual([2, 2, 5, 7, 2]);
  });

  withStorage('ops: counts due open runs only', async (s) => {
    const id = await s.runs.reserveIds(3);
    await s.runs.commit([unit({ inserts: [run(id, 1, { wakeAt: 100 }), run(id + 1, 2, { wakeAt: 500 }), run(id + 2, 3, { wakeAt: 50, status: 'completed' })] })], 0);
    expect(await s.ops.dueRuns(99)).toBe(0);
    expect(await s.ops.dueRuns(100)).toBe(1);
    expect(await s.ops.dueRuns(1000)).toBe(2);
  });

  withStorage('privacy: erase removes personal data, keeps counts, ends open runs', async (s) => {
    const [id] = await s.customers.upsert([{ externalId: 'c1', email: 'a@x.io', attributes: { name: 'Ann' }, consent: { email: true } }], 1);
    await s.events.insert([{ customerId: id!, type: 'view', properties: { url: '/me' }, occurredAt: 2, idempotencyKey: 'e1' }], 2);
    await s.orders.insert([{ customerId: id!, orderId: 'o1', orderedAt: 3, amount: 10, items: ['sku'] }]);
    const rid = await s.runs.reserveIds(1);
    await s.runs.commit([unit({ inserts: [run(rid, id!, { state: { name: 'Ann' } })], outbox: [{ key: 'k', runId: rid, journeyId: 'j', nodeId: 'n', customerId: id!, kind: 'email', payload: { to: 'a@x.io' } }] })], 3);
    await s.scores.put([{ customerId: id!, model: 'churn', value: 0.5, data: {}, modelVersion: 'v', scoredAt: 3 }]);
    await s.privacy.erase(id!, 10);
    const [c] = await s.customers.get([id!]);
    expect(c).toMatchObject({ email: null, attributes: {}, consent: {} });
    expect(c!.externalId).not.toBe('c1');
    expect(await s.customers.byExternalId('c1')).toBeNull();
    const evs = await s.events.list(id!, {});
    expect(evs.map((e) => [e.type, e.properties])).toEqual([['view', {}]]);
    expect((await s.orders.list(id!)).map((o) => [o.amount, o.items])).toEqual([[10, []]]);
    expect((await s.outbox.get('k'))!).toMatchObject({ payload: {}, status: 'skipped' });
    expect((await s.runs.get(rid))!).toMatchObject({ status: 'exited', endReason: 'erased', state: {} });
    expect(await s.scores.forCustomer(id!)).toEqual([]);
  });

  withStorage('privacy: a delivery settled after the erase writes no personal data back', async (s) => {
    const [id] = await s.customers.upsert([{ externalId: 'c1', email: 'a@x.io' }], 1);
    const rid = await s.runs.reserveIds(1);
    const entry = (key: string) => ({ key, runId: rid, journeyId: 'j', nodeId: key, customerId: id!, kind: 'email', payload: { subject: 'Hi' } });
    await s.runs.commit([unit({ inserts: [run(rid, id!)], outbox: [entry('sent'), entry('retry')] })], 1);
    expect((await s.outbox.claim({ now: 2, owner: 'w', leaseMs: 1000, limit: 10 })).length).toBe(2);
    await s.privacy.erase(id!, 3);
    await s.outbox.settle(
      [
        { key: 'sent', status: 'sent', detail: { to: 'a@x.io', subject: 'Hi' } },
        { key: 'retry', status: 'pending', error: '451 a@x.io greylisted', nextAttemptAt: 10 },
      ],
      4,
    );
    expect(await s.outbox.get('sent')).toMatchObject({ status: 'sent', payload: {}, detail: null, lastError: null });
    expect(await s.outbox.get('retry')).toMatchObject({ status: 'skipped', payload: {}, detail: null, lastError: null });
    expect(JSON.stringify(await s.outbox.list({ customerId: id! }))).not.toContain('a@x.io');
  });

  withStorage('suppressions: case-insensitive, first reason kept, removable', async (s) => {
    await s.suppressions.add([{ email: ' Ann@X.io ', reason: 'bounce' }], 1);
    await s.suppressions.add([{ email: 'ann@x.io', reason: 'manual' }], 2);
    expect(await s.suppressions.get('ANN@x.io')).toEqual({ email: 'ann@x.io', reason: 'bounce', createdAt: 1 });
    expect(await s.suppressions.list({ limit: 10, offset: 0 })).toHaveLength(1);
    expect(await s.suppressions.remove('ann@X.io')).toBe(true);
    expect(await s.suppressions.get('ann@x.io')).toBeNull();
    expect(await s.suppressions.remove('ann@x.io')).toBe(false);
  });

  withStorage('suppressions: lifted in bulk by reason and time range', async (s) => {
    await s.suppressions.add([{ email: 'a@x.io', reason: 'bounce' }], 10);
    await s.suppressions.add([{ email: 'b@x.io', reason: 'bounce' }, { email: 'c@x.io', reason: 'complaint' }], 20);
    await s.suppressions.add([{ email: 'd@x.io', reason: 'bounce' }], 30);
    expect(await s.suppressions.lift({ reason: 'bounce', since: 15, until: 30 })).toBe(2);
    expect((await s.suppressions.list({ limit: 10, offset: 0 })).map((x) => x.email)).toEqual(['a@x.io', 'c@x.io']);
    expect(await s.suppressions.lift({ reason: 'bounce' })).toBe(1);
    expect((await s.suppressions.list({ limit: 10, offset: 0 })).map((x) => x.email)).toEqual(['c@x.io']);
  });

  withStorage('send log: counts capped sends per customer since a time, once per key', async (s) => {
    await s.sends.record({ key: 'a', customerId: 1, category: 'marketing', capped: true }, 10);
    await s.sends.record({ key: 'a', customerId: 1, category: 'marketing', capped: true }, 11);
    await s.sends.record({ key: 'b', customerId: 1, category: 'receipt', capped: false }, 12);
    await s.sends.record({ key: 'c', customerId: 1, category: 'marketing', capped: true }, 20);
    await s.sends.record({ key: 'd', customerId: 2, category: 'marketing', capped: true }, 20);
    expect(await s.sends.countCapped(1, 0)).toBe(2);
    expect(await s.sends.countCapped(1, 15)).toBe(1);
    expect(await s.sends.countCapped(3, 0)).toBe(0);
    expect(await s.sends.countAll(1, 0)).toBe(3);
    expect(await s.sends.countAll(1, 12)).toBe(2);
    // The budget's next free slot is read from these times: oldest first, capped only, once per key.
    expect(await s.sends.cappedSentAt(1, 0)).toEqual([10, 20]);
    expect(await s.sends.cappedSentAt(1, 15)).toEqual([20]);
    expect(await s.sends.cappedSentAt(3, 0)).toEqual([]);
  });
  withStorage('kpis: order facts of a period [from, to), whole and split by a stored label', async (s) => {
    const [a, b, c, d] = await s.customers.upsert([{ externalId: 'a' }, { externalId: 'b' }, { externalId: 'c' }, { externalId: 'd' }], 0);
    // a: before and twice in the period; b: before only; c: first in the period; d: only after it.
    await s.orders.insert([
      { customerId: a!, orderId: 'a1', orderedAt: 5, amount: 10 },
      { customerId: a!, orderId: 'a2', orderedAt: 100, amount: 20 },
      { customerId: a!, orderId: 'a3', orderedAt: 150, amount: 30 },
      { customerId: b!, orderId: 'b1', orderedAt: 50, amount: 40 },
      { customerId: c!, orderId: 'c1', orderedAt: 199, amount: 50 },
      { customerId: d!, orderId: 'd1', orderedAt: 200, amount: 60 },
    ]);
    const range = { from: 100, to: 200 };
    expect(await s.kpis.orders(range)).toEqual([
      { group: 'all', customersAtStart: 2, newCustomers: 1, returningCustomers: 1, buyers: 2, repeatBuyers: 1, orders: 3, revenue: 100, lifetimeCustomers: 3, lifetimeRevenue: 150 },
    ]);
    expect(await s.kpis.orders({ from: 0, to: 1 })).toEqual([
      { group: 'all', customersAtStart: 0, newCustomers: 0, returningCustomers: 0, buyers: 0, repeatBuyers: 0, orders: 0, revenue: 0, lifetimeCustomers: 0, lifetimeRevenue: 0 },
    ]);
    await s.scores.put([
      { customerId: a!, model: 'value_tier', value: 9, data: { tier: 'high' }, modelVersion: 'v', scoredAt: 1 },
      { customerId: c!, model: 'value_tier', value: 3, data: { tier: 'low' }, modelVersion: 'v', scoredAt: 1 },
      { customerId: b!, model: 'clv', value: 4, data: {}, modelVersion: 'v', scoredAt: 1 },
      { customerId: c!, model: 'clv', value: 8, data: {}, modelVersion: 'v', scoredAt: 1 },
    ]);
    const split = await s.kpis.orders(range, { model: 'value_tier', key: 'tier' });
    expect(split.map((f) => [f.group, f.buyers, f.orders, f.revenue, f.customersAtStart])).toEqual([
      ['high', 1, 2, 50, 1],
      ['low', 1, 1, 50, 0],
      ['unknown', 0, 0, 0, 1],
    ]);
    expect(await s.kpis.averageScore('clv')).toEqual({ customers: 2, average: 6 });
    expect(await s.kpis.averageScore('nothing')).toEqual({ customers: 0, average: null });
  });

  withStorage('lift: each customer once from their first exposure, held out or not, with revenue after it inside the window', async (s) => {
    const [a, b, c, d] = await s.customers.upsert([{ externalId: 'a' }, { externalId: 'b' }, { externalId: 'c' }, { externalId: 'd' }], 0);
    const ids = await s.runs.reserveIds(5);
    // a: treated, entered at 100 and again at 400 (counts once, from 100); b: held out; c: treated, entered after `asOf`.
    // d: held out in another journey only.
    await s.runs.commit(
      [
        unit({ inserts: [run(ids, a!, { enteredAt: 100, status: 'completed', endReason: 'end of path' }), run(ids + 1, a!, { enteredAt: 400 })] }),
        unit({ inserts: [run(ids + 2, b!, { enteredAt: 200, status: 'exited', endReason: 'holdout' })] }),
        unit({ inserts: [run(ids + 3, c!, { enteredAt: 900 })] }),
        unit({ inserts: [run(ids + 4, d!, { journeyId: 'other', enteredAt: 100, status: 'exited', endReason: 'holdout' })] }),
      ],
      0,
    );
    await s.orders.insert([
      { customerId: a!, orderId: 'a0', orderedAt: 100, amount: 1 }, // at entry, not after it
      { customerId: a!, orderId: 'a1', orderedAt: 150, amount: 10 },
      { customerId: a!, orderId: 'a2', orderedAt: 300, amount: 20 }, // inside 100 + 200
      { customerId: a!, orderId: 'a3', orderedAt: 301, amount: 40 }, // after the window
      { customerId: b!, orderId: 'b1', orderedAt: 250, amount: 5.5 },
      { customerId: b!, orderId: 'b2', orderedAt: 390, amount: 7 }, // inside the window, after asOf
    ]);
    expect(await s.lift.journeyExposures('j', 200, 380)).toEqual([
      { customerId: a!, start: 100, heldOut: false, revenue: 30 },
      { customerId: b!, start: 200, heldOut: true, revenue: 5.5 },
    ]);
    // No window: every order after the start up to asOf.
    expect((await s.lift.journeyExposures('j', null, 1000)).map((e) => [e.customerId, e.revenue])).toEqual([[a!, 70], [b!, 12.5], [c!, 0]]);
    expect(await s.lift.journeyExposures('none', 200, 1000)).toEqual([]);

    const entry = (key: string, customerId: number, nodeId: string, payload: Record<string, unknown>) => ({ key, runId: ids, journeyId: 'j', nodeId, customerId, kind: 'email', payload });
    await s.runs.commit([unit({ outbox: [entry('m1', a!, 'mail', { subject: 's' }), entry('m2', b!, 'mail', { subject: 's', holdout: true }), entry('m3', c!, 'other', {})] })], 120);
    await s.runs.commit([unit({ outbox: [entry('m4', a!, 'mail', { subject: 's', holdout: true })] })], 500);
    expect(await s.lift.messageExposures('j', 'mail', 200, 1000)).toEqual([
      { customerId: a!, start: 120, heldOut: false, revenue: 70 },
      { customerId: b!, start: 120, heldOut: true, revenue: 5.5 },
    ]);
  });

  withStorage('lift: a message\'s exposures, held out or not, survive retention moving its settled deliveries to the archive', async (s) => {
    const [a, b] = await s.customers.upsert([{ externalId: 'a' }, { externalId: 'b' }], 0);
    const ids = await s.runs.reserveIds(2);
    const ended = (id: number, customerId: number) => run(id, customerId, { status: 'completed', wakeAt: null, endedAt: 20, endReason: 'completed' });
    const mail = (key: string, runId: number, customerId: number, payload: Record<string, unknown>) => ({ key, runId, journeyId: 'j', nodeId: 'mail', customerId, kind: 'email', payload });
    const step = (runId: number) => ({ runId, visit: 1, nodeId: 'mail', at: 10, kind: 'port', port: 'next' });
    await s.runs.commit(
      [unit({ inserts: [ended(ids, a!), ended(ids + 1, b!)], history: [step(ids), step(ids + 1)], outbox: [mail('ma', ids, a!, { subject: 's' }), mail('mb', ids + 1, b!, { subject: 's', holdout: true })] })],
      10,
    );
    // Delivery settles them: a sent, b's held-out message skipped for `holdout`.
    await s.outbox.settle([{ key: 'ma', status: 'sent' }, { key: 'mb', status: 'skipped', error: 'holdout' }], 15);
    await s.orders.insert([
      { customerId: a!, orderId: 'a1', orderedAt: 50, amount: 30 },
      { customerId: b!, orderId: 'b1', orderedAt: 60, amount: 5 },
    ]);
    const exposures = [
      { customerId: a!, start: 10, heldOut: false, revenue: 30 },
      { customerId: b!, start: 10, heldOut: true, revenue: 5 },
    ];
    expect(await s.lift.messageExposures('j', 'mail', null, 1000)).toEqual(exposures);
    let deliveries = 0;
    for (let after: number | null = 0; after !== null; ) {
      const r = await s.retention.pruneHistory(100, after, 10);
      deliveries += r.deliveries;
      after = r.next;
    }
    expect(deliveries).toBe(2);
    expect(await s.outbox.get('ma')).toBeNull();
    expect(await s.lift.messageExposures('j', 'mail', null, 1000)).toEqual(exposures);
  });

  withStorage('lift: an erased held-out customer stays held out, pending, settled or archived', async (s) => {
    const [a, b, c] = await s.customers.upsert([{ externalId: 'a' }, { externalId: 'b' }, { externalId: 'c' }], 0);
    const ids = await s.runs.reserveIds(3);
    const ended = (id: number, customerId: number) => run(id, customerId, { status: 'completed', wakeAt: null, endedAt: 20, endReason: 'completed' });
    const mail = (key: string, runId: number, customerId: number, payload: Record<string, unknown>) => ({ key, runId, journeyId: 'j', nodeId: 'mail', customerId, kind: 'email', payload });
    const step = (runId: number) => ({ runId, visit: 1, nodeId: 'mail', at: 10, kind: 'port', port: 'next' });
    await s.runs.commit(
      [
        unit({
          inserts: [ended(ids, a!), ended(ids + 1, b!), ended(ids + 2, c!)],
          history: [step(ids), step(ids + 1), step(ids + 2)],
          outbox: [mail('ma', ids, a!, { subject: 's' }), mail('mb', ids + 1, b!, { subject: 's', holdout: true }), mail('mc', ids + 2, c!, { subject: 's', holdout: true })],
        }),
      ],
      10,
    );
    // c's held-out message is settled and archived by retention; b's is still pending when b is erased.
    await s.outbox.settle([{ key: 'ma', status: 'sent' }, { key: 'mc', status: 'skipped', error: 'holdout' }], 15);
    for (let after: number | null = 0; after !== null; ) after = (await s.retention.pruneHistory(100, after, 10)).next;
    await s.privacy.erase(b!, 30);
    await s.privacy.erase(c!, 30);
    expect((await s.lift.messageExposures('j', 'mail', null, 1000)).map((e) => [e.customerId, e.heldOut])).toEqual([[a!, false], [b!, true], [c!, true]]);
    // Erasure still took everything else: b's pending mail is skipped and carries nothing of b.
    expect(await s.outbox.get('mb')).toMatchObject({ status: 'skipped', payload: { holdout: true } });
  });

  withStorage('kpis: NPS answers, email funnel and the cohort table', async (s) => {
    const [a, b] = await s.customers.upsert([{ externalId: 'a' }, { externalId: 'b' }], 0);
    const ev = (customerId: number, type: string, occurredAt: number, properties: Record<string, unknown>) => ({ customerId, type, occurredAt, properties });
    await s.events.insert(
      [
        ev(a!, 'nps', 10, { score: 10 }), ev(b!, 'nps', 11, { score: 9 }), ev(a!, 'nps', 12, { score: 7 }), ev(b!, 'nps', 13, { score: 6 }), ev(a!, 'nps', 14, { score: 0 }),
        ev(a!, 'nps', 500, { score: 0 }), ev(a!, 'survey', 15, { score: 0 }), ev(a!, 'nps', 16, { score: 'ten' }), ev(b!, 'nps', 17, {}),
        ev(a!, 'email_opened', 20, { message: 'm1' }), ev(b!, 'email_opened', 21, { message: 'm2' }),
        ev(a!, 'email_clicked', 30, { message: 'm1' }), ev(a!, 'email_clicked', 31, { message: 'm1' }), ev(b!, 'email_clicked', 32, { message: 'm2' }),
      ],
      0,
    );
    for (const [key, at] of [['m1', 5], ['m2', 6], ['m3', 7], ['m4', 300]] as const) await s.sends.record({ key, customerId: a!, category: 'marketing', capped: true }, at);
    await s.orders.insert([
      { customerId: a!, orderId: 'o1', orderedAt: 40, amount: 5 },
      { customerId: b!, orderId: 'o2', orderedAt: 25, amount: 5 },
      { customerId: b!, orderId: 'o3', orderedAt: 150, amount: 5 },
      { customerId: b!, orderId: 'o4', orderedAt: 250, amount: 5 },
    ]);
    // Answers without a numeric score (text, missing) are not answers: counting them as 0 would invent detractors.
    expect(await s.kpis.nps({ from: 0, to: 100 }, ['nps'])).toEqual({ promoters: 2, passives: 1, detractors: 2 });
    // b ordered before clicking only: not a conversion.
    expect(await s.kpis.email({ from: 0, to: 100 })).toEqual({ sent: 3, opened: 2, clicked: 2, clickers: 2, converted: 1 });
    // Each message's first open and click is also kept apart (the tracking router records both): counted once.
    for (const [key, type, customerId, at] of [['m1', 'opened', a!, 20], ['m2', 'opened', b!, 21], ['m1', 'clicked', a!, 30], ['m2', 'clicked', b!, 32]] as const) {
      await s.analytics.recordEngagement({ key, type, journeyId: 'j', nodeId: 'mail', customerId }, at);
    }
    expect(await s.kpis.email({ from: 0, to: 100 })).toEqual({ sent: 3, opened: 2, clicked: 2, clickers: 2, converted: 1 });
    // An open whose event retention has pruned still counts, from what was kept of it.
    await s.analytics.recordEngagement({ key: 'm3', type: 'opened', journeyId: 'j', nodeId: 'mail', customerId: a! }, 60);
    expect(await s.kpis.email({ from: 0, to: 100 })).toMatchObject({ opened: 3, clicked: 2 });
    const cells = await s.kpis.cohorts([{ from: 0, to: 100 }, { from: 100, to: 200 }, { from: 200, to: 300 }]);
    expect(cells).toEqual([
      { cohort: 0, offset: 0, customers: 2 },
      { cohort: 0, offset: 1, customers: 1 },
      { cohort: 0, offset: 2, customers: 1 },
    ]);
  });
  withStorage('segment reads: event types and attribute keys for pick lists, most frequent first, from the newest sample', async (s) => {
    expect(await s.segmentReads.vocabulary({ sample: 100, limit: 10 })).toEqual({ eventTypes: [], attributeKeys: [] });
    const [a, b] = await s.customers.upsert([{ externalId: 'a', attributes: { plan: 'pro', city: 'Seoul' } }, { externalId: 'b', attributes: { plan: 'free' } }], 1);
    const ev = (customerId: number, type: string) => ({ customerId, type, properties: {}, occurredAt: 1 });
    await s.events.insert([ev(a!, 'old_type'), ev(a!, 'view'), ev(b!, 'view'), ev(b!, 'cart')], 1);
    expect(await s.segmentReads.vocabulary({ sample: 100, limit: 10 })).toEqual({ eventTypes: ['view', 'cart', 'old_type'], attributeKeys: ['plan', 'city'] });
    // Only the newest events and customers are read: the oldest event type falls out, then customer a's keys.
    expect(await s.segmentReads.vocabulary({ sample: 3, limit: 10 })).toEqual({ eventTypes: ['view', 'cart'], attributeKeys: ['plan', 'city'] });
    expect(await s.segmentReads.vocabulary({ sample: 1, limit: 1 })).toEqual({ eventTypes: ['cart'], attributeKeys: ['plan'] });
  });
  withStorage('segment sizes: recorded per refresh, read since a time oldest first, forgotten with the segment', async (s) => {
    await s.segmentMembers.recordSize('vip', 5, 200);
    await s.segmentMembers.recordSize('vip', 3, 100);
    await s.segmentMembers.recordSize('vip', 7, 200);
    await s.segmentMembers.recordSize('other', 1, 100);
    expect(await s.segmentMembers.sizes('vip', 0)).toEqual([{ at: 100, size: 3 }, { at: 200, size: 7 }]);
    expect(await s.segmentMembers.sizes('vip', 150)).toEqual([{ at: 200, size: 7 }]);
    await s.segmentMembers.clear('vip');
    expect(await s.segmentMembers.sizes('vip', 0)).toEqual([]);
    expect(await s.segmentMembers.sizes('other', 0)).toEqual([{ at: 100, size: 1 }]);
  });
}
