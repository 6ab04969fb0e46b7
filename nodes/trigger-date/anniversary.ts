/** A calendar date (month 1–12); `year` is null when only month and day are known. */
export interface CalendarDate {
  year: number | null;
  month: number;
  day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;
const MONTH_DAY = /^--(\d{2})-(\d{2})$/;

/**
 * Reads a date attribute: ISO text (`1990-05-17`, or a timestamp whose date part
 * is taken as written), `--05-17` for a day without a year, or epoch milliseconds (UTC date).
 */
export function parseCalendarDate(value: unknown): CalendarDate | null {
  let d: CalendarDate | null = null;
  if (typeof value === 'string') {
    const iso = ISO_DATE.exec(value);
    const md = MONTH_DAY.exec(value);
    if (iso) d = { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
    else if (md) d = { year: null, month: Number(md[1]), day: Number(md[2]) };
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    const t = new Date(value);
    d = { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
  }
  if (!d || d.month < 1 || d.month > 12 || d.day < 1 || d.day > daysIn(d.year ?? 2000, d.month)) return null; // 29 February only in leap years (or without a year)
  return d;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Is the local date `on` the yearly anniversary of `date`? A 29 February is
 * celebrated on 28 February in common years. The day itself (year 0) is not an anniversary.
 */
export function isAnniversary(date: CalendarDate, on: { year: number; month: number; day: number }): boolean {
  if (date.year !== null && on.year <= date.year) return false;
  const day = Math.min(date.day, daysIn(on.year, date.month));
  return on.month === date.month && on.day === day;
}
