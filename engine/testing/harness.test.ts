import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.ts';

const journey = {
  id: 'nudge',
  name: 'Nudge',
  nodes: [
    { id: 't', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'w', type: 'wait.delay', config: { duration: '1h' } },
    { id: 'x', type: 'flow.exit', config: {} },
  ],
  edges: [
    { id: 'e1', source: 't', sourceHandle: 'next', target: 'w' },
    { id: 'e2', source: 'w', sourceHandle: 'next', target: 'x' },
  ],
};

const HOUR = 3_600_000;
let h: Harness;
afterEach(() => h.close());

describe('harness.advance', () => {
  it('waits out another worker\'s lease on a due run instead of spinning, then moves the run', async () => {
    h = createHarness({ start: '2024-01-01T00:00:00Z' });
    await h.journeys.deploy(journey);
    await h.track([{ customerId: 'ann', type: 'signup' }]);
    const start = h.clock.now().getTime();
    // Another worker claims the run the moment it is due and holds it for 10 minutes.
    const leased = await h.storage.runs.claimDue({ now: start + HOUR, owner: 'other-worker', leaseMs: 10 * 60_000, limit: 10 });
    expect(leased).toHaveLength(1);

    await h.advance('65m');
    // Still inside the lease: the run stays where it was, and advance returned.
    expect((await h.runsOf('ann'))[0]).toMatchObject({ nodeId: 'w', status: 'waiting' });

    await h.advance('10m');
    // The lease ran out at 01:10 (the other worker died): this engine took the run over.
    expect((await h.runsOf('ann'))[0]).toMatchObject({ nodeId: 'x', status: 'completed', endedAt: start + HOUR + 10 * 60_000 });
  });
});
