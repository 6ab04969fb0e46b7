import { defineNode } from '../../engine/plugin/define-node.ts';
import { localParts, localToInstant } from '../../engine/core/time.ts';

interface Config {
  attribute: string;
  hour: number;
}

/** The event the anniversaries job emits once per customer, attribute and year, on the local anniversary date. */
export const ANNIVERSARY_EVENT = '$anniversary';

/** Attribute name for the date the customer's profile was created (a signup anniversary). */
export const CREATED_AT_ATTRIBUTE = '$createdAt';

/**
 * Enrolls customers on the yearly anniversary of a date attribute. The
 * anniversaries job announces the day; this node holds the run until the
 * chosen hour of that day in the customer's time zone (UTC when unknown).
 */
export default defineNode<Config>({
  type: 'trigger.date',
  version: 1,
  label: 'On a yearly date',
  category: 'trigger',
  description:
    'Starts the journey every year on the anniversary of a date attribute (birthday, signup date …) at the chosen hour in the customer’s own time zone. ' +
    `Use ${CREATED_AT_ATTRIBUTE} for the day the customer joined. Set the journey’s re-entry to allow a yearly return.`,
  fields: [
    { key: 'attribute', label: 'Date attribute', kind: 'text', required: true, default: 'birthday', help: `A profile attribute holding a date (1990-05-17), or ${CREATED_AT_ATTRIBUTE}.` },
    { key: 'hour', label: 'At hour (local time)', kind: 'number', integer: true, min: 0, max: 23, default: 9 },
  ],
  ports: ['next'],
  waits: true,
  trigger: (c) => ({ event: ANNIVERSARY_EVENT, where: [{ path: 'attribute', op: 'eq', value: c.attribute.trim() }] }),
  run: (ctx) => {
    const zone = ctx.customer.timezone ?? 'UTC';
    // The day comes from the event; on the (rare) path without one, today in the customer's zone.
    const day = localParts(ctx.event?.occurredAt ?? ctx.run.nodeEnteredAt, zone);
    const at = localToInstant({ year: day.year, month: day.month, day: day.day, hour: ctx.config.hour }, zone);
    const trace = { attribute: ctx.config.attribute, years: ctx.event?.properties.years ?? null, timezone: zone, at: at.toISOString() };
    return at.getTime() > ctx.now.getTime() ? { wait: { until: at, timeoutPort: 'next' }, trace } : { next: 'next', trace };
  },
});
