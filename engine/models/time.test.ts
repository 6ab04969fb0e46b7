import { describe, expect, it } from 'vitest';
import { dateOfDay, dayNumber, parseIsoDate, parseTimeUnit, requireIsoDate } from './time.ts';

describe('time', () => {
  it('counts UTC calendar days', () => {
    expect(dayNumber(new Date('1970-01-01T23:59:59Z'))).toBe(0);
    expect(dayNumber(new Date('1997-09-30T00:00:00Z')) - dayNumber(new Date('1997-01-01T00:00:00Z'))).toBe(272);
    expect(dateOfDay(dayNumber(new Date('1997-09-30T10:00:00Z'))).toISOString()).toBe('1997-09-30T00:00:00.000Z');
  });

  it('parses strict ISO dates and rejects impossible ones', () => {
    expect(parseIsoDate('1997-09-30')?.toISOString()).toBe('1997-09-30T00:00:00.000Z');
    expect(parseIsoDate('1997-09-30T12:30:00')?.toISOString()).toBe('1997-09-30T12:30:00.000Z');
    expect(parseIsoDate('1997-09-30T12:30:00+02:00')?.toISOString()).toBe('1997-09-30T10:30:00.000Z');
    expect(parseIsoDate('1997-02-30')).toBeNull();
    expect(parseIsoDate('30/09/1997')).toBeNull();
    expect(parseIsoDate('1997-09-30T25:00')).toBeNull();
  });

  it('names the option in errors', () => {
    expect(() => requireIsoDate('1997-13-01', '--calibration-end')).toThrow(/--calibration-end: "1997-13-01" is not a valid date; use YYYY-MM-DD/);
    expect(() => parseTimeUnit('month', '--time-unit')).toThrow(/--time-unit: "month" is not a time unit/);
    expect(parseTimeUnit('day', '--time-unit')).toBe('day');
  });
});
