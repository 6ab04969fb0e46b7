import { ForesightError } from '../core/errors.ts';
import { readInstant } from '../core/time.ts';
import type { TimeUnit } from './types.ts';

/**
 * Calendar arithmetic for the models. Purchases are counted per UTC calendar day (the
 * Fader–Hardie convention: same-day orders are one purchase), so everything is done in
 * whole "day numbers" since the Unix epoch, which are cheap integers in hot loops.
 */

export const MS_PER_DAY = 86_400_000;

/**
 * UTC day number of a date (days since 1970-01-01).
 * @example dayNumber(new Date('1970-01-02T13:00:00Z')) // => 1
 */
export function dayNumber(date: Date): number {
  return Math.floor(date.getTime() / MS_PER_DAY);
}

/**
 * The instant of a (possibly fractional) day number; whole numbers give UTC midnight.
 * @example dateOfDay(1).toISOString() // => '1970-01-02T00:00:00.000Z'
 */
export function dateOfDay(day: number): Date {
  return new Date(Math.round(day * MS_PER_DAY));
}

/**
 * Length of one time unit in days.
 * @example daysPerUnit('week') // => 7
 */
export function daysPerUnit(unit: TimeUnit): number {
  return unit === 'week' ? 7 : 1;
}

/**
 * Checks a user-supplied time unit, naming the field on failure.
 * @example parseTimeUnit('week', '--time-unit') // => 'week'
 */
export function parseTimeUnit(value: string, field: string): TimeUnit {
  if (value === 'day' || value === 'week') return value;
  throw new ForesightError('invalid_time_unit', `${field}: "${value}" is not a time unit; use "day" or "week"`, { field });
}

/**
 * Parses `YYYY-MM-DD` (UTC midnight) or an ISO-8601 timestamp (UTC without an offset) with the
 * engine's one strict time reader; returns null for anything else, including impossible
 * calendar dates such as 1997-02-30 that `Date` would roll over.
 * @example parseIsoDate('1997-09-30')?.toISOString() // => '1997-09-30T00:00:00.000Z'
 */
export function parseIsoDate(text: string): Date | null {
  return readInstant(text);
}

/**
 * Parses a required calendar date option, throwing an error that names the option.
 * @example requireIsoDate('1997-09-30', '--calibration-end').getUTCDate() // => 30
 */
export function requireIsoDate(text: string, field: string): Date {
  const date = parseIsoDate(text);
  if (!date) throw new ForesightError('invalid_date', `${field}: "${text}" is not a valid date; use YYYY-MM-DD`, { field });
  return date;
}
