import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';
import { parseDefinition, SegmentService, segmentDefinitionSchema, type SegmentCondition } from './index.ts';

const shoes = [{ path: 'category', op: 'eq' as const, value: 'shoes' }];

let h: Harness;
let segments: SegmentService;
const now = () => h.clock.now();

async function score(externalId: string, model: string, value: number | null, data: Record<string, unknown> = {}) {
  await h.storage.scores.put([{ customerId: await h.customerId(externalId), model, value, data, modelVersion: 't', scoredAt: now().getTime() }]);
}

/**
 * Five customers on 2024-03-01:
 *  ann  DE, 3 shoe views this week, 2 orders (40 + 60), last 10 days ago, champion, purchase 0.8
 *  bob  DE, 1 shoe view this week + 2 a month ago, 1 order of 500 45 days ago, at-risk
 *  cy   FR, 2 hat views, no orders, prospect
 *  dee  FR, no events, 3 orders (10 each) long ago, lapsed, churn 0.9
 *  eve  US, nothing at all
 */
beforeEach(async () => {
  h = createHarness({ start: '2024-01-01T00:00:00Z' });
  segments = new SegmentService(h.storage);
  await h.identify([
    { customerId: 'ann', attributes: { country: 'DE', plan: 'pro', visits: 12 } },
    { customerId: 'bob', attributes: { country: 'DE', visits: 3 } },
    { customerId: 'cy', attributes: { country: 'FR' } },
    { customerId: 'dee', attributes: { country: 'FR', tags: ['wholesale'] } },
    { customerId: 'eve', attributes: { country: 'US' } },
  ]);
  await h.orders([
    { customerId: 'dee', orderId: 'd1', orderedAt: '2024-01-02T00:00:00Z', amount: 10 },
    { customerId: 'dee', orderId: 'd2', orderedAt: '2024-01-03T00:00:00Z', amount: 10 },
    { customerId: 'dee', orderId: 'd3', orderedAt: '2024-01-04T00:00:00Z', amount: 10 },
    { customerId: 'bob', orderId: 'b1', orderedAt: '2024-01-16T00:00:00Z', amount: 500 },
    { customerId: 'ann', orderId: 'a1', orderedAt: '2024-02-10T00:00:00Z', amount: 40 },
    { customerId: 'ann', orderId: 'a2', orderedAt: '2024-02-20T00:00:00Z', amount: 60 },
  ]);
  await h.track([
    { customerId: 'bob', type: 'viewed_category', properties: { category: 'shoes' }, occurredAt: '2024-02-01T00:00:00Z' },
    { customerId: 'bob', type: 'viewed_category', properties: { category: 'shoes' }, occurredAt: '2024-02-02T00:00:00Z' },
    { customerId: 'bob', type: 'viewed_category', properties: { category: 'shoes' }, occurredAt: '2024-02-28T00:00:00Z' },
    { customerId: 'ann', type: 'viewed_category', properties: { category: 'shoes' }, occurredAt: '2024-02-26T00:00:00Z' },
    { customerId: 'ann', type: 'viewed_category', properties: { category: 'shoes' }, occurredAt: '2024-02-27T00:00:00Z' },
    { customerId: 'ann', type: 'viewed_category', properties: { category: 'shoes' }, occurredAt: '2024-02-29T00:00:00Z' },
    { customerId: 'cy', type: 'viewed_category', properties: { category: 'hats' }, occurredAt: '2024-02-29T00:00:00Z' },
    { customerId: 'cy', type: 'viewed_category', properties: { category: 'hats' }, occurredAt: '2024-02-29T01:00:00Z' },
  ]);
  h.clock.set(new Date('2024-03-01T00:00:00Z'));
  await score('ann', 'rfm', 0.9, { segment: 'Champions', r: 5, f: 4, m: 4 });
  await score('ann', 'lifecycle', null, { stage: 'repeat' });
  await score('ann', 'value_tier', null, { tier: 'mid' });
  await score('ann', 'purchase', 0.8);
  await score('bob', 'lifecycle', null, { stage: 'at-risk' });
  await score('bob', 'value_tier', null, { tier: 'high' });
  await score('bob', 'rfm', 0.4, { segment: 'At Risk' });
  await score('cy', 'lifecycle', null, { stage: 'prospect' });
  await score('dee', 'lifecycle', null, { stage: 'lapsed' });
  await score('dee', 'churn', 0.9);
});

afterEach(async () => {
  await h.close();
});

async function members(def: SegmentCondition): Promise<string[]> {
  return (await segments.preview(def, now(), 100)).map((c) => c.externalId);
}

describe('segment definitions', () => {
  it.each<[string, SegmentCondition, string[]]>([
    ['attribute equals', { attribute: 'country', op: 'eq', value: 'DE' }, ['ann', 'bob']],
    ['attribute exists', { attribute: 'plan', op: 'exists' }, ['ann']],
    ['attribute greater than', { attribute: 'visits', op: 'gt', value: 5 }, ['ann']],
    ['tag contains', { attribute: 'tags', op: 'contains', value: 'wholesale' }, ['dee']],
    ['viewed shoes ≥ 2 times in the last 7 days', { event: 'viewed_category', where: shoes, within: '7d', op: 'gte', value: 2 }, ['ann']],
    ['viewed shoes ≥ 2 times ever', { event: 'viewed_category', where: shoes, op: 'gte', value: 2 }, ['ann', 'bob']],
    ['any event of a type (default: at least once)', { event: 'viewed_category' }, ['ann', 'bob', 'cy']],
    ['no view in the last 30 days (never counts)', { lastEvent: 'viewed_category', op: 'gt', days: 30 }, ['dee', 'eve']],
    ['viewed within 2 days', { lastEvent: 'viewed_category', op: 'lte', days: 2 }, ['ann', 'bob', 'cy']],
    ['at least 2 orders', { orders: 'count', op: 'gte', value: 2 }, ['ann', 'dee']],
    ['orders in the last 30 days', { orders: 'count', within: '30d', op: 'gte', value: 1 }, ['ann']],
    ['total spend ≥ 100', { orders: 'total', op: 'gte', value: 100 }, ['ann', 'bob']],
    ['average spend ≤ 50 (no orders never match)', { orders: 'average', op: 'lte', value: 50 }, ['ann', 'dee']],
    ['days since last order > 30 (no orders count as never)', { orders: 'daysSinceLast', op: 'gt', value: 30 }, ['bob', 'cy', 'dee', 'eve']],
    ['lifecycle stage', { lifecycle: ['at-risk', 'lapsed'] }, ['bob', 'dee']],
    ['value tier', { valueTier: ['high'] }, ['bob']],
    ['RFM segment, any case', { rfm: ['champions'] }, ['ann']],
    ['model score', { score: 'churn', op: 'gte', value: 0.5 }, ['dee']],
    ['all', { all: [{ attribute: 'country', op: 'eq', value: 'DE' }, { orders: 'total', op: 'gt', value: 200 }] }, ['bob']],
    ['any', { any: [{ rfm: ['Champions'] }, { lifecycle: ['prospect'] }] }, ['ann', 'cy']],
    ['not', { not: { attribute: 'country', op: 'eq', value: 'DE' } }, ['cy', 'dee', 'eve']],
    [
      'nested',
      { all: [{ event: 'viewed_category', where: shoes, within: '7d', op: 'gte', value: 1 }, { not: { any: [{ lifecycle: ['at-risk'] }, { score: 'purchase', op: 'lt', value: 0.5 }] } }] },
      ['ann'],
    ],
  ])('%s', async (_label, def, expected) => {
    expect(segments.validate(def)).toEqual([]);
    expect(await members(def)).toEqual(expected);
    expect(await segments.count(def, now())).toBe(expected.length);
    // The batched scan and the engine's per-customer reads agree.
    for (const who of ['ann', 'bob', 'cy', 'dee', 'eve']) expect(await segments.matches(def, await h.customerId(who), now()), who).toBe(expected.includes(who));
  });

  it('explains a decision with its inputs', async () => {
    const v = await segments.explain(
      { all: [{ event: 'viewed_category', where: shoes, within: '7d', op: 'gte', value: 2 }, { orders: 'daysSinceLast', op: 'lt', value: 30 }, { rfm: ['Champions'] }] },
      await h.customerId('ann'),
      now(),
    );
    expect(v).toEqual({
      matched: true,
      checks: [
        { path: 'all.0', kind: 'event', value: 3, result: true },
        { path: 'all.1', kind: 'orders.daysSinceLast', value: 10, result: true },
        { path: 'all.2', kind: 'rfm', value: 'Champions', result: true },
      ],
    });
    expect(await segments.matches({ orders: 'count', op: 'eq', value: 0 }, await h.customerId('eve'), now())).toBe(true);
  });

  it('evaluates at the time asked: events and orders after it do not count', async () => {
    const def: SegmentCondition = { event: 'viewed_category', where: shoes, within: '7d', op: 'gte', value: 2 };
    expect(await segments.count(def, new Date('2024-02-27T12:00:00Z'))).toBe(1);
    expect(await segments.count(def, new Date('2024-02-26T12:00:00Z'))).toBe(0);
    expect(await segments.count({ orders: 'count', op: 'gte', value: 2 }, new Date('2024-02-15T00:00:00Z'))).toBe(1);
  });

  it('preview stops at the limit', async () => {
    expect((await segments.preview({ attribute: 'country', op: 'exists' }, now(), 2)).map((c) => c.externalId)).toEqual(['ann', 'bob']);
  });

  it.each<[string, unknown, { field: string; message: RegExp }[]]>([
    ['not an object', 'vip', [{ field: 'definition', message: /expected a condition object/ }]],
    ['two kinds in one', { attribute: 'a', op: 'eq', value: 1, event: 'x' }, [{ field: 'definition', message: /exactly one of .*; it has attribute and event/ }]],
    ['unknown kind', { country: 'DE' }, [{ field: 'definition', message: /exactly one of/ }]],
    ['empty group', { all: [] }, [{ field: 'definition.all', message: /at least one condition/ }]],
    ['bad op deep in the tree', { any: [{ rfm: ['Lost'] }, { not: { orders: 'count', op: 'more', value: 1 } }] }, [{ field: 'definition.any.1.not.op', message: /use one of eq, ne, gt, gte, lt, lte/ }]],
    ['bad window', { event: 'open', within: 'a week' }, [{ field: 'definition.within', message: /duration/ }]],
    ['unknown metric', { orders: 'refunds', op: 'gt', value: 1 }, [{ field: 'definition.orders', message: /count, total, average, daysSinceLast/ }]],
    ['missing attribute value', { attribute: 'country', op: 'eq' }, [{ field: 'definition.value', message: /give the value/ }]],
    ['typo in a key', { score: 'churn', op: 'gt', vaule: 0.5 }, [{ field: 'definition.value', message: /expected number/ }, { field: 'definition', message: /unknown key "vaule"/ }]],
    ['empty label list', { lifecycle: [] }, [{ field: 'definition.lifecycle', message: /at least one value/ }]],
  ])('problems name the path: %s', (_label, def, expected) => {
    const problems = segments.validate(def);
    expect(problems).toHaveLength(expected.length);
    for (const [i, e] of expected.entries()) {
      expect(problems[i]!.field).toBe(e.field);
      expect(problems[i]!.message).toMatch(e.message);
      expect(problems[i]!.message.startsWith(e.field)).toBe(true);
    }
  });

  it('rejects invalid definitions in count and the zod schema with the path', async () => {
    await expect(segments.count({ all: [{ score: 'churn' }] }, now())).rejects.toMatchObject({ code: 'invalid_segment', field: 'definition.all.0.op' });
    const r = segmentDefinitionSchema.safeParse({ all: [{ score: 'churn' }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path)).toEqual([['all', 0, 'op'], ['all', 0, 'value']]);
    expect(parseDefinition({ rfm: ['Lost'] })).toEqual({ rfm: ['Lost'] });
  });

  it.each([
    ['a lifecycle stage written with a space', { lifecycle: ['at risk'] }, 'definition.lifecycle.0', /"at risk" is not a lifecycle stage; use one of "prospect", "new", "repeat", "at-risk", "lapsed"/],
    ['a value tier that does not exist', { all: [{ valueTier: ['high', 'vip'] }] }, 'definition.all.0.valueTier.1', /"vip" is not a value tier; use one of "high", "mid", "low"/],
    ['an RFM segment misspelt', { rfm: ['Champion'] }, 'definition.rfm.0', /"Champion" is not an? RFM segment; use one of .*"Champions"/],
    ['an unknown model score', { score: 'churn_risk', op: 'gt', value: 0.5 }, 'definition.score', /"churn_risk" is not a model score; use one of .*"churn"/],
  ])('rejects %s, naming the field and the valid labels', async (_what, definition, field, message) => {
    const [problem, ...rest] = await segments.save({ name: 'typo', definition }, now());
    expect(rest).toEqual([]);
    expect(problem!.field).toBe(field);
    expect(problem!.message).toMatch(message);
    expect(await h.storage.segments.get('typo')).toBeNull();
  });

  it('accepts every valid label, in any case', () => {
    expect(parseDefinition({ all: [{ lifecycle: ['AT-RISK', 'new'] }, { valueTier: ['High'] }, { rfm: ["can't lose them"] }, { score: 'clv', op: 'gt', value: 1 }] })).toBeTruthy();
  });

  it('saves only valid segments', async () => {
    expect(await segments.save({ name: 'shoe-fans', definition: { event: 'viewed_category', where: shoes } }, now())).toEqual([]);
    expect(await segments.save({ name: 'broken', definition: { all: 'x' } }, now())).toMatchObject([{ field: 'definition.all' }]);
    expect(await segments.save({ name: '  ', definition: { rfm: ['Lost'] } }, now())).toMatchObject([{ field: 'name' }]);
    expect((await h.storage.segments.list()).map((s) => s.name)).toEqual(['shoe-fans']);
  });
});
