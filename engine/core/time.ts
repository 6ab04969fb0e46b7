import { DateTime, IANAZone, Info } from 'luxon';
import { ForesightError } from './errors.ts';

/**
 * Local wall-clock time and the reading of user-given times. Zone arithmetic goes
 * through luxon only; nothing here reads the server's own time zone, so the engine
 * behaves the same under any `TZ`.
 */

/** Local wall-clock parts of an instant in a zone (month 1–12). */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
}

/** A local calendar date with an optional time of day (missing parts are 0). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

/** True if the name is an IANA time zone (or UTC) that the runtime knows. */
export function isValidTimeZone(zone: unknown): zone is string {
  return typeof zone === 'string' && zone !== '' && IANAZone.isValidZone(zone);
}

/**
 * The wall-clock reading of an instant in a zone.
 * @example localParts(new Date('2026-11-01T05:30:00Z'), 'America/New_York').hour // => 1
 */
export function localParts(at: Date, zone: string): LocalParts {
  const d = DateTime.fromMillis(at.getTime(), { zone });
  if (!d.isValid) throw new ForesightError('invalid_time_zone', `local time: ${d.invalidExplanation ?? d.invalidReason}; use a zone name like Europe/Berlin`);
  return { year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute, second: d.second, weekday: d.weekday - 1 };
}

/**
 * The instant a local wall-clock time happens in a zone, the same in every zone:
 * - a time that occurs twice (clocks go back) is its FIRST occurrence;
 * - a time that does not occur (clocks go forward) moves forward by the length of the
 *   gap, e.g. 02:30 on a spring-forward night in New York → 03:30 (RFC 5545, Temporal's
 *   "compatible"). Times on the hour in an hour-long gap thus land on the first valid time.
 * luxon alone picks the occurrence by the zone's offset *today*, so the choice is made here.
 * @example localToInstant({ year: 2026, month: 10, day: 25, hour: 2 }, 'Europe/Berlin').toISOString() // => '2026-10-25T00:00:00.000Z'
 */
export function localToInstant(t: WallTime, zone: string): Date {
  const d = DateTime.fromObject(t, { zone });
  if (!d.isValid) throw new ForesightError('invalid_date', `local time ${JSON.stringify(t)} in ${zone}: ${d.invalidExplanation ?? d.invalidReason}`);
  return new Date(Math.min(...d.getPossibleOffsets().map((p) => p.toMillis())));
}

/**
 * The same local wall-clock time a whole number of days later (what "in 3 days" means on
 * a calendar): across a DST change that is 23 or 25 hours per day, not 24.
 * @example addLocalDays(new Date('2026-03-07T14:00:00Z'), 1, 'America/New_York').toISOString() // => '2026-03-08T13:00:00.000Z'
 */
export function addLocalDays(at: Date, days: number, zone: string): Date {
  // A zone without daylight saving (UTC, most customers with no zone) has 24-hour days; luxon's
  // calendar walk costs more than the rest of a step, so it is kept for zones that need it.
  if (isFixedOffset(zone)) return new Date(at.getTime() + days * 86_400_000);
  const d = DateTime.fromMillis(at.getTime(), { zone }).plus({ days });
  return localToInstant({ year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute, second: d.second, millisecond: d.millisecond }, zone);
}

const fixedOffset = new Map<string, boolean>();
/** Whether a zone's offset never changes (luxon's `isUniversal`), remembered per zone name. */
function isFixedOffset(zone: string): boolean {
  let fixed = fixedOffset.get(zone);
  if (fixed === undefined) {
    fixed = Info.normalizeZone(zone)?.isUniversal ?? false;
    fixedOffset.set(zone, fixed);
  }
  return fixed;
}

/** A calendar date without a time (`2026-11-01`): a day, not an instant. */
export const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The forms {@link readInstant} accepts, for error messages. */
export const INSTANT_FORMS =
  'use ISO 8601 (2024-05-01, 2024-05-01T10:00:00Z or 2024-05-01T12:00:00+02:00; a time without an offset is UTC) or epoch milliseconds as a number (1714557600000)';

/**
 * Why {@link readInstant} refused a value, with the forms it takes. Digits in quotes get their own
 * hint: read as epoch milliseconds, "2024" would silently become a moment of 1 January 1970.
 */
export function instantProblem(value: unknown): string {
  const digits = typeof value === 'string' && /^\d+$/.test(value.trim());
  return `${JSON.stringify(value)} is not a valid time; ${digits ? `epoch milliseconds must be a number, not text: send ${value.trim()} without quotes, or use ISO 8601 (2024-05-01T10:00:00Z)` : INSTANT_FORMS}`;
}

const MONTH_DAY = /^--(\d{2})-(\d{2})$/;

/**
 * Is this text written as a date (`2024-02-30`, `2024-02-30T10:00:00Z`, `--02-30`) that names no
 * real day or time? Other values are not dates and are not judged.
 */
export function isImpossibleDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const text = value.trim();
  const md = MONTH_DAY.exec(text);
  // A day without a year may be 29 February: check it in a leap year.
  if (md) return !DateTime.fromObject({ year: 2024, month: Number(md[1]), day: Number(md[2]) }, { zone: 'utc' }).isValid;
  return ISO_SHAPE.test(text) && readInstant(text) === null;
}

// Dates and date-times only: luxon's ISO reader also takes a bare time ("10:00", read as today) or a bare year.
// Offsets as real zones have them: at most ±14:00, minutes below 60 (luxon alone takes +99:99).
const ISO_SHAPE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-](?:(?:0\d|1[0-3])(?::?[0-5]\d)?|14(?::?00)?))?)?$/i;

// The range of a JS Date.
const MAX_MS = 8.64e15;

/**
 * Reads a user-given time strictly, independent of the server's zone: a Date, epoch
 * milliseconds, or ISO 8601 text. Offset-less text is UTC; a date alone is 00:00 UTC
 * of that day. Impossible dates (2024-02-30) and anything else are null.
 * @example readInstant('2024-05-01T10:00')?.toISOString() // => '2024-05-01T10:00:00.000Z'
 */
export function readInstant(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= MAX_MS ? new Date(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!ISO_SHAPE.test(text)) return null;
  const d = DateTime.fromISO(text.replace(' ', 'T'), { zone: 'utc' });
  return d.isValid ? d.toJSDate() : null;
}

/**
 * {@link readInstant} for a named input: throws an error that names the field and the accepted forms.
 * @example parseInstant('2024-02-30', 'occurredAt') // throws 'occurredAt: "2024-02-30" is not a valid time; use ISO 8601 …'
 */
export function parseInstant(value: unknown, field: string): Date {
  const d = readInstant(value);
  if (d) return d;
  throw new ForesightError('invalid_date', `${field}: ${instantProblem(value)}`, { field });
}
