import { afterEach, describe, expect, it } from 'vitest';
import { validateJourney } from '../../engine/graph/validate.ts';
import { createHarness, type Harness } from '../../engine/testing/harness.ts';
import { builtinRegistry } from '../index.ts';

const journey = (config: Record<string, unknown>) => ({
  id: 'j',
  name: 'J',
  nodes: [
    { id: 't', type: 'trigger.event', config: { event: 'purchase' } },
    { id: 'u', type: 'action.updateProfile', config },
    { id: 'c', type: 'condition.attribute', config: { attribute: 'purchases', op: 'gte', value: '2' } },
    { id: 'x', type: 'flow.exit', config: { reason: 'done' } },
  ],
  edges: [
    { id: 'e1', source: 't', sourceHandle: 'next', target: 'u' },
    { id: 'e2', source: 'u', sourceHandle: 'next', target: 'c' },
    { id: 'e3', source: 'c', sourceHandle: 'yes', target: 'x' },
    { id: 'e4', source: 'c', sourceHandle: 'no', target: 'x' },
  ],
  settings: { reentry: 'always', exitOn: [] },
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('action.updateProfile', () => {
  it('sets, increments and tags the profile, visible to later nodes in the same step and stored', async () => {
    h = createHarness();
    await h.identify([{ customerId: 'ann', attributes: { purchases: 1, tier: 'silver', tags: ['new', 'vip'] } }]);
    await h.journeys.deploy(journey({ set: { tier: 'gold', coupon: null }, increment: { purchases: 1 }, addTags: ['buyer'], removeTags: ['new'] }));
    await h.track([{ customerId: 'ann', type: 'purchase' }]);
    const c = (await h.storage.customers.byExternalId('ann'))!;
    expect(c.attributes).toEqual({ purchases: 2, tier: 'gold', tags: ['buyer', 'vip'] });
    // condition.attribute ran after the update in the same step and saw purchases = 2.
    const history = await h.storage.runs.history((await h.runsOf('ann'))[0]!.id);
    expect(history.find((x) => x.nodeId === 'c')?.port).toBe('yes');
  });

  it.each([
    [{}, 'set', /nothing to change/],
    [{ set: [1] }, 'set', /give an object/],
    [{ increment: { visits: 'one' } }, 'increment.visits', /must be a number/],
    [{ increment: 3 }, 'increment', /object of numbers/],
  ])('invalid config %# is reported naming the field', (config, field, message) => {
    const r = validateJourney(journey(config), builtinRegistry());
    expect(r.ok).toBe(false);
    expect(r.problems.find((p) => p.nodeId === 'u' && p.field === field)?.message).toMatch(message);
  });
});
