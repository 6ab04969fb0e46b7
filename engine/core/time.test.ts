import { describe, expect, it } from 'vitest';
import { DST_NIGHTS } from '../testing/dst.ts';
import { SERVER_ZONES, underTz } from '../testing/tz.ts';
import { addLocalDays, isImpossibleDate, isValidTimeZone, localParts, localToInstant, parseInstant, readInstant } from './time.ts';

describe('localToInstant', () => {
  it.each(DST_NIGHTS)('%s, %s', (zone, _label, night, hour, expected) => {
    const { year, month, day } = localParts(new Date(night), zone);
    expect(localToInstant({ year, month, day, hour }, zone).toISOString()).toBe(expected);
  });

  it.each([
    // Minutes inside a repeated or skipped stretch.
    ['America/New_York', '2026-03-08 02:30 (skipped) → 03:30', { year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, '2026-03-08T07:30:00.000Z'],
    ['Australia/Sydney', '2026-04-05 02:30 (repeated) → the first', { year: 2026, month: 4, day: 5, hour: 2, minute: 30 }, '2026-04-04T15:30:00.000Z'],
    ['Australia/Sydney', '2026-10-04 02:30 (skipped) → 03:30', { year: 2026, month: 10, day: 4, hour: 2, minute: 30 }, '2026-10-03T16:30:00.000Z'],
    ['Australia/Lord_Howe', '2026-04-05 01:45 (repeated, 30-min change) → the first', { year: 2026, month: 4, day: 5, hour: 1, minute: 45 }, '2026-04-04T14:45:00.000Z'],
    ['Asia/Kolkata', '2024-07-01 00:00 (+05:30)', { year: 2024, month: 7, day: 1 }, '2024-06-30T18:30:00.000Z'],
  ])('%s %s', (zone, _label, wall, expected) => {
    expect(localToInstant(wall, zone).toISOString()).toBe(expected);
  });

  it('round-trips with localParts outside the DST changes', () => {
    const at = localToInstant({ year: 2026, month: 7, day: 14, hour: 9, minute: 41 }, 'Australia/Lord_Howe');
    expect(localParts(at, 'Australia/Lord_Howe')).toEqual({ year: 2026, month: 7, day: 14, hour: 9, minute: 41, second: 0, weekday: 1 });
  });
});

describe('addLocalDays', () => {
  it.each([
    ['America/New_York', 'spring forward (a 23-hour day)', '2026-03-07T14:00:00Z', 1, '2026-03-08T13:00:00.000Z'],
    ['America/New_York', 'fall back (a 25-hour day)', '2026-10-31T14:00:00Z', 1, '2026-11-01T15:00:00.000Z'],
    ['Europe/Berlin', 'a week over the October change', '2026-10-20T08:00:00Z', 7, '2026-10-27T09:00:00.000Z'],
    ['Australia/Lord_Howe', '30-minute change', '2026-10-03T09:00:00Z', 1, '2026-10-04T08:30:00.000Z'],
    ['UTC', 'no change', '2026-03-07T14:00:00Z', 3, '2026-03-10T14:00:00.000Z'],
    ['UTC', 'over a leap day', '2024-02-28T23:30:00Z', 2, '2024-03-01T23:30:00.000Z'],
  ])('%s, %s: keeps the local time', (zone, _label, from, days, expected) => {
    expect(addLocalDays(new Date(from), days, zone).toISOString()).toBe(expected);
  });
});

describe('readInstant / parseInstant', () => {
  it.each([
    ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01T10:00', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01 10:00:30.250', '2024-05-01T10:00:30.250Z'],
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01T12:00:00+0200', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01T23:00:00+14:00', '2024-05-01T09:00:00.000Z'],
    ['2024-05-01T00:00:00-12:00', '2024-05-01T12:00:00.000Z'],
    [1714557600000, '2024-05-01T10:00:00.000Z'],
  ])('reads %j the same under every server zone', async (input, expected) => {
    for (const server of SERVER_ZONES) expect(await underTz(server, () => readInstant(input)?.toISOString())).toBe(expected);
  });

  it.each([['2024-02-30'], ['garbage 2024'], ['2024'], ['10:00'], ['2024-05-01T25:00'], ['May 1, 2024'], ['1714557600000'], ['2024-02-08T10:00:00+99:99'], ['2024-02-08T10:00:00+25:00'], ['2024-02-08T10:00:00-05:75'], ['2024-02-08T10:00:00+14:59'], ['2024-02-08T10:00:00-1430'], [1.5], [Number.NaN], [null], [true], [new Date(Number.NaN)]])(
    'rejects %j',
    (input) => {
      expect(readInstant(input)).toBeNull();
    },
  );

  it('names the field and the accepted forms', () => {
    expect(() => parseInstant('2024-02-30', 'occurredAt')).toThrow(/^occurredAt: "2024-02-30" is not a valid time; use ISO 8601 .*without an offset is UTC.* or epoch milliseconds as a number \(1714557600000\)$/);
  });

  it('does not offer epoch milliseconds as text: digits in quotes are told to come as a number', () => {
    expect(readInstant(1714557600000)?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(() => parseInstant('1714557600000', 'occurredAt')).toThrow('occurredAt: "1714557600000" is not a valid time; epoch milliseconds must be a number, not text: send 1714557600000 without quotes');
  });
});

describe('isImpossibleDate', () => {
  it.each([
    ['2024-02-30', true],
    ['2023-02-29T10:00:00Z', true],
    ['2024-13-01', true],
    ['--02-30', true],
    ['--02-29', false],
    ['2024-02-29', false],
    ['1990-05-17', false],
    ['gold', false],
    ['2024-02-30 was the day', false],
    [42, false],
  ])('%j → %s', (value, impossible) => {
    expect(isImpossibleDate(value)).toBe(impossible);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['Europe/Berlin', true],
    ['UTC', true],
    ['Asia/Kathmandu', true],
    ['Mars/Olympus', false],
    ['', false],
    [42, false],
  ])('%j → %s', (zone, ok) => {
    expect(isValidTimeZone(zone)).toBe(ok);
  });
});
