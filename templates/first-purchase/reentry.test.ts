import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../engine/testing/harness.ts';
import { getTemplate } from '../index.ts';

let h: Harness;
afterEach(() => h.close());

async function engagement(externalId: string, value: number) {
  await h.storage.scores.put([{ customerId: await h.customerId(externalId), model: 'engagement', value, data: {}, modelVersion: 'v1', scoredAt: h.clock.now().getTime() }]);
}
const lastRunEnd = async (externalId: string) => (await h.runsOf(externalId)).sort((a, b) => a.id - b.id).map((r) => [r.status, r.endReason ?? r.nodeId]);

describe('first-purchase re-entry', () => {
  it('a prospect who was only "medium" on a first newsletter open qualifies again a month later, but is not re-entered on every open', async () => {
    h = createHarness({ start: '2024-03-01T09:00:00Z' });
    await h.journeys.deploy(getTemplate('first-purchase')!.journey);
    await h.identify([{ customerId: 'pat', email: 'pat@example.com', consent: { email: true } }]);
    await engagement('pat', 0.4);
    await h.track([{ customerId: 'pat', type: 'email_opened' }]);
    expect(await lastRunEnd('pat')).toEqual([['completed', 'propensity not high']]);

    // Engaged now, but the last entry was a week ago: no new run on this open.
    await h.advance('7d');
    await engagement('pat', 0.8);
    await h.track([{ customerId: 'pat', type: 'email_opened' }]);
    expect(await h.runsOf('pat')).toHaveLength(1);

    // A month after the first entry the next open enters again, and now the offer goes out.
    await h.advance('24d');
    await h.track([{ customerId: 'pat', type: 'email_opened' }]);
    const runs = (await h.runsOf('pat')).sort((a, b) => a.id - b.id);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatchObject({ status: 'waiting', nodeId: 'wait-buy' });
  });
});
