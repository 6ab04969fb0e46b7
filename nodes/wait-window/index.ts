import { isValidTimeZone, localParts } from '../../engine/core/time.ts';
import { nextWindowStart, WEEKDAYS, type Weekday } from '../../engine/core/window.ts';
import { defineNode } from '../../engine/plugin/define-node.ts';

interface Config {
  days: Weekday[];
  startHour: number;
  endHour: number;
  timezone: string;
}

function zoneOf(customerZone: string | null, fallback: string): { zone: string; source: string } {
  if (customerZone && isValidTimeZone(customerZone)) return { zone: customerZone, source: 'customer' };
  return { zone: fallback, source: customerZone ? `config (customer zone "${customerZone}" is unknown)` : 'config' };
}

/**
 * Holds a customer until an allowed time in their own time zone: business hours
 * (9–17, Mon–Fri) or quiet hours expressed as the allowed part (8–21). Start and
 * end hours are local; an end hour lower than the start hour is an overnight
 * window (21→6 = 21:00 to 06:00 the next morning, belonging to the start's day).
 */
export default defineNode<Config>({
  type: 'wait.window',
  version: 1,
  label: 'Wait for a time window',
  category: 'timing',
  description: "Waits until an allowed time in the customer's own time zone, e.g. business hours on weekdays or no messages at night. Customers already inside the window go straight on.",
  fields: [
    {
      key: 'days',
      label: 'Allowed days',
      kind: 'multiselect',
      options: [
        { value: 'mon', label: 'Monday' },
        { value: 'tue', label: 'Tuesday' },
        { value: 'wed', label: 'Wednesday' },
        { value: 'thu', label: 'Thursday' },
        { value: 'fri', label: 'Friday' },
        { value: 'sat', label: 'Saturday' },
        { value: 'sun', label: 'Sunday' },
      ],
      default: [...WEEKDAYS],
      help: 'Days on which customers may continue. For business hours pick Monday to Friday.',
    },
    { key: 'startHour', label: 'From (hour)', kind: 'number', integer: true, min: 0, max: 23, default: 9, help: "Start of the allowed time in the customer's local time, 0–23 (9 = 09:00)." },
    {
      key: 'endHour',
      label: 'Until (hour)',
      kind: 'number',
      integer: true,
      min: 1,
      max: 24,
      default: 17,
      help: 'End of the allowed time, 1–24 (17 = 17:00, 24 = midnight). An end before the start means overnight, e.g. 21 to 6.',
    },
    {
      key: 'timezone',
      label: 'Fallback time zone',
      kind: 'text',
      default: 'UTC',
      help: 'Used for customers without a known time zone, e.g. Europe/Berlin or America/New_York.',
    },
  ],
  ports: ['next'],
  waits: true,
  validate(c) {
    const problems: { field: string; message: string }[] = [];
    if (!isValidTimeZone(c.timezone)) problems.push({ field: 'timezone', message: `Fallback time zone: "${String(c.timezone)}" is not a known time zone; use a name like Europe/Berlin, America/New_York or UTC` });
    if (c.startHour === c.endHour) problems.push({ field: 'endHour', message: 'Until (hour): must differ from the start hour (a window from 9 to 9 is empty; for all day use 0 to 24)' });
    if (Array.isArray(c.days) && c.days.length === 0) problems.push({ field: 'days', message: 'Allowed days: pick at least one day, or customers would wait forever' });
    return problems;
  },
  run(ctx) {
    const c = ctx.config;
    const { zone, source } = zoneOf(ctx.customer.timezone, isValidTimeZone(c.timezone) ? c.timezone : 'UTC');
    const local = localParts(ctx.now, zone);
    const trace = { zone, zoneSource: source, localTime: `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')} ${WEEKDAYS[local.weekday]}`, window: `${c.startHour}-${c.endHour} ${c.days.join(',')}` };
    const until = nextWindowStart(ctx.now, c, zone);
    if (until === null) throw new Error(`wait.window: no allowed days configured for node "${ctx.node.id}"`);
    if (until.getTime() === ctx.now.getTime()) return { next: 'next', trace: { ...trace, inside: true } };
    return { wait: { until, timeoutPort: 'next' }, trace: { ...trace, inside: false, until: until.toISOString() } };
  },
});
