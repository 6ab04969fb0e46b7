import { describe, expect, it } from 'vitest';
import { nodeContext } from '../../engine/testing/node-context.ts';
import node from './index.ts';

describe('wait.delay', () => {
  it.each([
    ['30m', '2024-01-01T00:30:00.000Z'],
    ['4h', '2024-01-01T04:00:00.000Z'],
    ['3d', '2024-01-04T00:00:00.000Z'],
    ['2w', '2024-01-15T00:00:00.000Z'],
  ])('%s waits until %s and leaves through next', async (duration, until) => {
    const r = await node.run(nodeContext(node, { duration }));
    expect('wait' in r && r.wait.until?.toISOString()).toBe(until);
    expect(r).toMatchObject({ wait: { timeoutPort: 'next' } });
  });
});

describe('wait.delay across a daylight-saving change', () => {
  it.each([
    // zone, now (10:00 local), duration, calendar, expected end
    ['America/New_York', 'spring forward, calendar: 10:00 → 10:00', '2026-03-07T15:00:00Z', '1d', true, '2026-03-08T14:00:00.000Z'],
    ['America/New_York', 'spring forward, exact: 24 h → 11:00', '2026-03-07T15:00:00Z', '1d', false, '2026-03-08T15:00:00.000Z'],
    ['America/New_York', 'fall back, calendar', '2026-10-31T14:00:00Z', '1d', true, '2026-11-01T15:00:00.000Z'],
    ['Europe/Berlin', 'a week over the October change, calendar', '2026-10-20T08:00:00Z', '1w', true, '2026-10-27T09:00:00.000Z'],
    ['Europe/Berlin', 'a week over the October change, exact', '2026-10-20T08:00:00Z', '1w', false, '2026-10-27T08:00:00.000Z'],
    ['Australia/Sydney', 'October spring forward, calendar', '2026-10-02T23:00:00Z', '2d', true, '2026-10-04T22:00:00.000Z'],
    ['Australia/Lord_Howe', '30-minute change, calendar', '2026-10-02T23:30:00Z', '2d', true, '2026-10-04T23:00:00.000Z'],
    ['America/New_York', 'hours are always exact', '2026-03-07T15:00:00Z', '24h', true, '2026-03-08T15:00:00.000Z'],
  ])('%s, %s', async (timezone, _label, now, duration, calendar, until) => {
    const r = await node.run(nodeContext(node, { duration, calendar }, { now: new Date(now), customer: { timezone } }));
    expect('wait' in r && r.wait.until?.toISOString()).toBe(until);
  });

  it('keeps the local time by default and says so in the trace', async () => {
    const r = await node.run(nodeContext(node, { duration: '1d' }, { now: new Date('2026-03-07T15:00:00Z'), customer: { timezone: 'America/New_York' } }));
    expect(r).toMatchObject({ wait: { until: new Date('2026-03-08T14:00:00Z') }, trace: { calendar: true, zone: 'America/New_York' } });
  });
});
