import { describe, expect, it } from 'vitest';
import { validateJourney } from '../../engine/graph/validate.ts';
import { createHarness } from '../../engine/testing/harness.ts';
import { nodeContext } from '../../engine/testing/node-context.ts';
import { builtinRegistry } from '../index.ts';
import { localParts } from '../../engine/core/time.ts';
import { DST_NIGHTS } from '../../engine/testing/dst.ts';
import node from './index.ts';

const quiet = { startHour: 8, endHour: 21 };
const business = { startHour: 9, endHour: 17, days: ['mon', 'tue', 'wed', 'thu', 'fri'] };

async function decide(config: Record<string, unknown>, now: string, timezone: string | null = null) {
  return node.run(nodeContext(node, config, { now: new Date(now), customer: { timezone } }));
}

describe('wait.window', () => {
  it.each([
    // zone, 23:30 local the evening before the change (as UTC), 08:00 local the next day (as UTC)
    ['America/New_York', 'spring forward', '2024-03-10T04:30:00Z', '2024-03-10T12:00:00.000Z'],
    ['America/New_York', 'fall back', '2024-11-03T03:30:00Z', '2024-11-03T13:00:00.000Z'],
    ['Europe/Berlin', 'spring forward', '2024-03-30T22:30:00Z', '2024-03-31T06:00:00.000Z'],
    ['Europe/Berlin', 'fall back', '2024-10-26T21:30:00Z', '2024-10-27T07:00:00.000Z'],
  ])('quiet hours in %s across %s: 23:30 local wakes at 08:00 local next day', async (zone, _change, now, until) => {
    const before = localParts(new Date(now), zone);
    expect([before.hour, before.minute]).toEqual([23, 30]);
    const r = await decide(quiet, now, zone);
    expect(r).toMatchObject({ wait: { timeoutPort: 'next' } });
    const at = ('wait' in r && r.wait.until) as Date;
    expect(at.toISOString()).toBe(until);
    const after = localParts(at, zone);
    expect([after.hour, after.minute, after.day]).toEqual([8, 0, before.day + 1]);
  });

  it.each([
    ['Friday 18:00 → Monday 09:00', '2024-06-07T18:00:00+02:00', '2024-06-10T07:00:00.000Z'],
    ['Saturday 10:00 → Monday 09:00', '2024-06-08T10:00:00+02:00', '2024-06-10T07:00:00.000Z'],
    ['Sunday 23:59 → Monday 09:00', '2024-06-09T23:59:00+02:00', '2024-06-10T07:00:00.000Z'],
    ['Monday 06:00 → Monday 09:00', '2024-06-10T06:00:00+02:00', '2024-06-10T07:00:00.000Z'],
    ['Tuesday 17:00 (end is exclusive) → Wednesday 09:00', '2024-06-11T17:00:00+02:00', '2024-06-12T07:00:00.000Z'],
  ])('business hours skip the weekend: %s', async (_label, now, until) => {
    const r = await decide(business, now, 'Europe/Berlin');
    expect('wait' in r && r.wait.until?.toISOString()).toBe(until);
  });

  it.each([
    ['business hours, Wednesday 09:00', business, '2024-06-12T09:00:00+02:00', 'Europe/Berlin'],
    ['business hours, Friday 16:59', business, '2024-06-14T16:59:00+02:00', 'Europe/Berlin'],
    ['quiet hours, 20:59 New York', quiet, '2024-03-10T20:59:00-04:00', 'America/New_York'],
    ['all day, any time', { startHour: 0, endHour: 24 }, '2024-01-01T03:00:00Z', null],
  ])('inside the window goes straight on: %s', async (_label, config, now, zone) => {
    const r = await decide(config, now, zone);
    expect(r).toMatchObject({ next: 'next', trace: { inside: true } });
  });

  it('falls back to the configured zone, then UTC', async () => {
    // 07:00 UTC = 09:00 Berlin (summer): inside with the fallback zone, outside in UTC.
    expect(await decide({ ...business, timezone: 'Europe/Berlin' }, '2024-06-12T07:00:00Z')).toMatchObject({ next: 'next', trace: { zone: 'Europe/Berlin', zoneSource: 'config' } });
    expect(await decide(business, '2024-06-12T07:00:00Z')).toMatchObject({ wait: { until: new Date('2024-06-12T09:00:00Z') }, trace: { zone: 'UTC' } });
    expect(await decide(business, '2024-06-12T07:00:00Z', 'Not/AZone')).toMatchObject({ trace: { zone: 'UTC' } });
  });

  it.each([
    ['22:00 (inside)', '2024-06-12T22:00:00Z', null],
    ['05:59 (inside, after midnight)', '2024-06-13T05:59:00Z', null],
    ['06:00 (outside)', '2024-06-13T06:00:00Z', '2024-06-13T21:00:00.000Z'],
  ])('overnight window 21→6 at %s', async (_label, now, until) => {
    const r = await decide({ startHour: 21, endHour: 6 }, now);
    if (until === null) expect(r).toMatchObject({ next: 'next' });
    else expect('wait' in r && r.wait.until?.toISOString()).toBe(until);
  });

  it('overnight window belongs to the day it starts: Friday 21→6 lets Saturday 02:00 through, not Monday 02:00', async () => {
    const fridayNights = { startHour: 21, endHour: 6, days: ['fri'] };
    expect(await decide(fridayNights, '2024-06-15T02:00:00Z')).toMatchObject({ next: 'next' });
    expect(await decide(fridayNights, '2024-06-17T02:00:00Z')).toMatchObject({ wait: { until: new Date('2024-06-21T21:00:00Z') } });
  });

  it.each(DST_NIGHTS)('window start in %s on the night of a change: %s', async (zone, _label, now, startHour, until) => {
    const r = await decide({ startHour, endHour: startHour + 1 }, now, zone);
    expect('wait' in r && r.wait.until?.toISOString()).toBe(until);
  });

  it.each([
    [{ timezone: 'Mars/Olympus' }, 'timezone', /not a known time zone/],
    [{ startHour: 9, endHour: 9 }, 'endHour', /must differ/],
    [{ days: [] }, 'days', /at least one day/],
    [{ days: ['mon', 'funday'] }, 'days.1', /use values from/],
    [{ startHour: 25 }, 'startHour', /at most 23/],
  ])('invalid config %# is reported naming the field', (config, field, message) => {
    const r = validateJourney(
      {
        id: 'j',
        name: 'J',
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'go' } },
          { id: 'w', type: 'wait.window', config },
        ],
        edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'w' }],
      },
      builtinRegistry(),
    );
    expect(r.ok).toBe(false);
    const p = r.problems.find((x) => x.nodeId === 'w' && x.field === field);
    expect(p?.message).toMatch(message);
  });

  it('holds a run in the real engine until the window opens', async () => {
    const h = createHarness({ start: '2024-06-08T10:00:00Z' }); // Saturday
    try {
      await h.journeys.deploy({
        id: 'j',
        name: 'J',
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'go' } },
          { id: 'w', type: 'wait.window', config: { ...business } },
          { id: 'x', type: 'flow.exit', config: {} },
        ],
        edges: [
          { id: 'e1', source: 't', sourceHandle: 'next', target: 'w' },
          { id: 'e2', source: 'w', sourceHandle: 'next', target: 'x' },
        ],
      });
      await h.track([{ customerId: 'c', type: 'go' }]);
      await h.advance('1d'); // Sunday 10:00: still waiting
      expect((await h.journeys.stats('j')).nodes.w!.ports).toEqual({});
      await h.advance('23h'); // Monday 09:00 UTC
      expect((await h.journeys.stats('j')).nodes.w!.ports).toEqual({ next: 1 });
    } finally {
      await h.close();
    }
  });
});
