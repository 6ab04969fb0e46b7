import { describe, expect, it } from 'vitest';
import { DST_NIGHTS } from '../../engine/testing/dst.ts';
import { nodeContext } from '../../engine/testing/node-context.ts';
import { isAnniversary, parseCalendarDate } from './anniversary.ts';
import node from './index.ts';

describe('trigger.date', () => {
  it('enrolls on anniversary events of its attribute', () => {
    expect(node.trigger!({ attribute: 'birthday', hour: 9 })).toEqual({ event: '$anniversary', where: [{ path: 'attribute', op: 'eq', value: 'birthday' }] });
  });

  it.each([
    ['before the hour: waits for it, then "next"', '2024-06-01T05:00:00Z', null, { wait: { until: new Date('2024-06-01T07:00:00Z'), timeoutPort: 'next' } }],
    ['after the hour: "next" at once', '2024-06-01T08:00:00Z', null, { next: 'next' }],
    ['no time zone: UTC', '2024-06-01T05:00:00Z', 'none', { wait: { until: new Date('2024-06-01T09:00:00Z') } }],
  ])('%s', async (_label, now, zone, expected) => {
    const at = new Date(now);
    const ctx = nodeContext(node, { attribute: 'birthday', hour: 9 }, {
      now: at,
      customer: { timezone: zone === 'none' ? null : 'Europe/Berlin' },
      event: { id: 1, type: '$anniversary', properties: { attribute: 'birthday', years: 30 }, occurredAt: at },
    });
    expect(await node.run(ctx)).toMatchObject({ ...expected, trace: { attribute: 'birthday', years: 30 } });
  });

  it.each(DST_NIGHTS)('hour in %s on a DST night: %s', async (zone, _label, now, hour, expected) => {
    const at = new Date(now);
    const ctx = nodeContext(node, { attribute: 'birthday', hour }, { now: at, customer: { timezone: zone }, event: { id: 1, type: '$anniversary', properties: { attribute: 'birthday', years: 30 }, occurredAt: at } });
    const r = await node.run(ctx);
    expect('wait' in r && r.wait.until?.toISOString()).toBe(expected);
  });

  it.each([
    ['1990-05-17', { year: 1990, month: 5, day: 17 }],
    ['1990-05-17T23:30:00-05:00', { year: 1990, month: 5, day: 17 }],
    ['--12-24', { year: null, month: 12, day: 24 }],
    [Date.UTC(1999, 0, 31), { year: 1999, month: 1, day: 31 }],
    ['1990-13-01', null],
    ['1990-02-30', null],
    ['2023-02-29', null],
    ['2024-02-29', { year: 2024, month: 2, day: 29 }],
    ['--02-29', { year: null, month: 2, day: 29 }],
    ['tomorrow', null],
    [true, null],
  ])('parses %j', (value, expected) => {
    expect(parseCalendarDate(value)).toEqual(expected);
  });

  it.each([
    [{ year: 1990, month: 5, day: 17 }, { year: 2024, month: 5, day: 17 }, true],
    [{ year: 1990, month: 5, day: 17 }, { year: 2024, month: 5, day: 18 }, false],
    [{ year: 2024, month: 5, day: 17 }, { year: 2024, month: 5, day: 17 }, false],
    [{ year: null, month: 5, day: 17 }, { year: 2024, month: 5, day: 17 }, true],
    [{ year: 2000, month: 2, day: 29 }, { year: 2025, month: 2, day: 28 }, true],
    [{ year: 2000, month: 2, day: 29 }, { year: 2024, month: 2, day: 28 }, false],
    [{ year: 2000, month: 2, day: 29 }, { year: 2024, month: 2, day: 29 }, true],
  ])('%j has its anniversary on %j: %s', (date, on, expected) => {
    expect(isAnniversary(date, on)).toBe(expected);
  });
});
