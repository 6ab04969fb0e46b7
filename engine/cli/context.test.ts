import { describe, expect, it } from 'vitest';
import { SERVER_ZONES, underTz } from '../testing/tz.ts';
import { parseCliDate } from './context.ts';

describe('parseCliDate', () => {
  it.each([
    ['--from', '2024-03-01', false, '2024-03-01T00:00:00.000Z'],
    ['--to', '2024-03-01', true, '2024-03-01T23:59:59.999Z'],
    ['--to', '2024-03-01T12:00', true, '2024-03-01T12:00:00.000Z'],
    ['--from', '2024-03-01T12:00:00+09:00', false, '2024-03-01T03:00:00.000Z'],
  ])('%s %s (end of day: %s) is %s under every server zone', async (flag, value, endOfDay, expected) => {
    for (const zone of SERVER_ZONES) expect(await underTz(zone, () => parseCliDate(flag, value, endOfDay).toISOString())).toBe(expected);
  });

  it.each([['2024-02-30'], ['garbage 2024'], ['yesterday']])('refuses %j naming the flag and the accepted forms', (value) => {
    expect(() => parseCliDate('--from', value)).toThrow(new RegExp(`^--from: "${value}" is not a valid time; use ISO 8601`));
  });
});
