import { defineNode } from '../../engine/plugin/define-node.ts';
import type { Filter } from '../../engine/core/filter.ts';

interface Config {
  event: string;
  where: Filter[];
}

/** Enrolls a customer when an event of the chosen type arrives and its properties match every filter. */
export default defineNode<Config>({
  type: 'trigger.event',
  version: 1,
  label: 'When an event happens',
  category: 'trigger',
  description: 'Starts the journey for a customer when an event of this type arrives (e.g. purchase, cart_add, signup), optionally only when its properties match.',
  fields: [
    { key: 'event', label: 'Event type', kind: 'text', required: true, placeholder: 'purchase', help: 'The event type as tracked, e.g. purchase or cart_add.' },
    { key: 'where', label: 'Only when', kind: 'filters', default: [], help: 'Property filters that must all hold, e.g. amount > 50.' },
  ],
  ports: ['next'],
  trigger: (c) => ({ event: c.event, where: c.where }),
  run: (ctx) => ({ next: 'next', trace: ctx.event ? { event: ctx.event.type, eventId: ctx.event.id } : {} }),
});
