import { ForesightError } from '../core/errors.ts';
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

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses `YYYY-MM-DD` (UTC midnight) or an ISO-8601 timestamp; returns null for anything
 * else, including impossible calendar dates such as 1997-02-30 that `Date` would roll over.
 * @example parseIsoDate('1997-09-30')?.toISOString() // => '1997-09-30T00:00:00.000Z'
 */
export function parseIsoDate(text: string): Date | null {
  const m = ISO_DATE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  if (hh === undefined) return probe;
  if (Number(hh) > 23 || Number(mi) > 59 || (ss !== undefined && Number(ss) > 59)) return null;
  // Without an explicit offset a timestamp is read as UTC, so results never depend on the host's zone.
  const parsed = new Date(m[7] === undefined ? `${text.trim().replace(' ', 'T')}Z` : text.trim().replace(' ', 'T'));
  return Number.isNaN(parsed.getTime()) ? null : parsed;
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
