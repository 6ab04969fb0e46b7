import { afterEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../scheduler/scheduler.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { type PruneResult, registerRetentionJob } from './retention.ts';

const HOUR = 3_600_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('registerRetentionJob', () => {
  it('reports a pruning only when it removed something (the demo printed "old history removed" with nothing removed every simulated hour)', async () => {
    h = createHarness({ start: '2024-05-01T00:00:00Z' });
    const scheduler = new Scheduler({ engine: h.engine, clock: h.clock, jobClock: h.clock });
    const reports: PruneResult[] = [];
    registerRetentionJob(scheduler, { storage: h.storage, clock: h.clock, maxAgeMs: 24 * HOUR, onPruned: (r) => reports.push(r) });

    // An event processed now, nothing old yet: the hourly run removes nothing and says nothing.
    await h.track([{ customerId: 'a', type: 'page_view' }]);
    await h.engine.runUntilIdle();
    h.clock.advance(HOUR);
    await scheduler.runDueJobs();
    expect(reports).toEqual([]);

    // Two days on, that event is past the 24 h retention: the run removes it and says so.
    h.clock.advance(48 * HOUR);
    await scheduler.runDueJobs();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.events).toBe(1);
    await scheduler.stop();
  });
});
