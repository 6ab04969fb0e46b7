import { localParts, localToInstant } from './time.ts';

// Local-time windows (business hours, quiet hours as the allowed part), shared by the
// `wait.window` node and by delivery, which must not defer mail into quiet hours.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Allowed days and local hours; an end hour below the start hour runs overnight (21→6). */
export interface TimeWindow {
  days: readonly Weekday[];
  startHour: number;
  endHour: number;
}

/** Is a local time (weekday index, minutes since midnight) inside the window? */
function inside(c: TimeWindow, weekday: number, minutes: number): boolean {
  const start = c.startHour * 60;
  const end = c.endHour * 60;
  const allowed = (d: number) => c.days.includes(WEEKDAYS[((d % 7) + 7) % 7]!);
  if (start < end) return allowed(weekday) && minutes >= start && minutes < end;
  // Overnight window (e.g. 21→6): the part after midnight belongs to the previous day's window.
  if (minutes >= start) return allowed(weekday);
  if (minutes < end) return allowed(weekday - 1);
  return false;
}

/**
 * The next moment at or after `now` that is inside the window, or null if no day
 * is allowed. Returns `now` itself when already inside.
 */
export function nextWindowStart(now: Date, c: TimeWindow, zone: string): Date | null {
  if (c.days.length === 0) return null;
  const l = localParts(now, zone);
  if (inside(c, l.weekday, l.hour * 60 + l.minute)) return now;
  // Try window starts on today and the next 7 local days; the first one after now wins.
  for (let i = 0; i <= 7; i++) {
    // Date.UTC only walks the calendar here (it rolls day 32 over to the next month); no zone is involved.
    const date = new Date(Date.UTC(l.year, l.month - 1, l.day + i));
    if (!c.days.includes(WEEKDAYS[(l.weekday + i) % 7]!)) continue;
    const at = localToInstant({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: c.startHour }, zone);
    if (at.getTime() > now.getTime()) return at;
  }
  return null;
}
