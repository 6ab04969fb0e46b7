import { defineNode } from '../../engine/plugin/define-node.ts';
import { eventSubject, getPath, matchesFilter, type Filter } from '../../engine/core/filter.ts';
import { rememberedEvent, type EventSource } from '../../engine/core/run-events.ts';

interface Config {
  source: EventSource;
  where: Filter[];
}

/**
 * Branches on what an event said (Klaviyo's trigger split, Braze's action paths):
 * "order amount > 50 → VIP thank-you, else standard". Reads the events the
 * executor remembers on the run: the one that started it and the one that last
 * resumed a `wait.event`.
 */
export default defineNode<Config>({
  type: 'condition.event',
  version: 1,
  label: 'Event properties',
  category: 'condition',
  description: 'Sends the customer down "yes" when the triggering event, or the event that resumed the last "Wait for an event", matches every condition; otherwise "no".',
  fields: [
    {
      key: 'source',
      label: 'Event',
      kind: 'select',
      required: true,
      default: 'latest',
      options: [
        { value: 'latest', label: 'The latest: the event that resumed the last wait, else the trigger' },
        { value: 'trigger', label: 'The event that started the journey' },
        { value: 'resume', label: 'The event that resumed the last wait' },
      ],
    },
    { key: 'where', label: 'Conditions (all must hold)', kind: 'filters', required: true, default: [], help: 'Event properties, e.g. amount gt 50 (or properties.amount).' },
  ],
  ports: ['yes', 'no'],
  validate: (c) => (c.where?.length ? [] : [{ field: 'where', message: 'add at least one condition, e.g. amount gt 50' }]),
  run: (ctx) => {
    const { source, where } = ctx.config;
    const event = rememberedEvent(ctx.state, source);
    if (!event) return { next: 'no', trace: { source, event: null, reason: `no ${source === 'latest' ? '' : `${source} `}event remembered on this run` } };
    const subject = eventSubject(event.type, event.properties);
    const conditions = where.map((f) => ({ path: f.path, op: f.op, value: f.value ?? null, actual: getPath(subject, f.path) ?? null, matched: matchesFilter(subject, f) }));
    return {
      next: conditions.every((c) => c.matched) ? 'yes' : 'no',
      trace: { source, event: { id: event.id, type: event.type, occurredAt: new Date(event.occurredAt).toISOString() }, conditions },
    };
  },
});
