import { parseDuration } from '../../engine/core/duration.ts';
import { addLocalDays, isValidTimeZone } from '../../engine/core/time.ts';
import { defineNode } from '../../engine/plugin/define-node.ts';

interface Config {
  duration: string;
  calendar: boolean;
}

const DAY_MS = 86_400_000;
// Days and weeks are calendar units; s, m and h are always exact.
const CALENDAR_UNIT = /[dw]\s*$/;

/**
 * When a wait ends. In calendar mode a whole number of days or weeks ends at the same
 * local time of day in the customer's zone (UTC when unknown), as Braze and Klaviyo do:
 * across a DST change one of those days is 23 or 25 hours. Otherwise a day is 24 hours.
 */
function delayEnd(now: Date, duration: string, calendar: boolean, zone: string): { until: Date; calendar: boolean } {
  const ms = parseDuration(duration, 'duration');
  const days = ms / DAY_MS;
  if (calendar && CALENDAR_UNIT.test(duration) && Number.isInteger(days)) return { until: addLocalDays(now, days, zone), calendar: true };
  return { until: new Date(now.getTime() + ms), calendar: false };
}

/** Holds the customer for a fixed time, e.g. three days after a first purchase. */
export default defineNode<Config>({
  type: 'wait.delay',
  version: 1,
  label: 'Wait',
  category: 'timing',
  description: 'Waits for a fixed time before going on.',
  fields: [
    { key: 'duration', label: 'Wait for', kind: 'duration', required: true, default: '1d', help: 'e.g. 30m, 4h, 3d, 2w' },
    {
      key: 'calendar',
      label: 'Keep the local time of day',
      kind: 'boolean',
      default: true,
      help: "Days and weeks end at the same time of day in the customer's time zone (3d from 10:00 → 10:00, even across a daylight-saving change). Off: exactly 24 hours per day.",
    },
  ],
  ports: ['next'],
  waits: true,
  minWaitMs: (c) => parseDuration(c.duration, 'duration'),
  // A calendar day across a daylight-saving change lasts up to an hour longer; two hours of slack covers every zone.
  holds: (config) => ({ maxMs: parseDuration(config.duration, 'duration') + (config.calendar !== false && CALENDAR_UNIT.test(config.duration) ? 2 * 3_600_000 : 0) }),
  run: (ctx) => {
    // From when the run reached this node in event time: "5 days after the order", even when the order arrived late.
    const zone = isValidTimeZone(ctx.customer.timezone) ? ctx.customer.timezone : 'UTC';
    const { until, calendar } = delayEnd(ctx.run.nodeEnteredAt, ctx.config.duration, ctx.config.calendar !== false, zone);
    return { wait: { until, timeoutPort: 'next' }, trace: { duration: ctx.config.duration, ...(calendar ? { calendar, zone } : {}) } };
  },
});
