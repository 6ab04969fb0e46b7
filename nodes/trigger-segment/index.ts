import { defineNode } from '../../engine/plugin/define-node.ts';
import { SEGMENT_ENTERED } from '../../engine/segments/index.ts';

interface Config {
  segment: string;
}


/** Enrolls customers as they enter a saved segment, as seen by the scheduled segment refresh. */
export default defineNode<Config>({
  type: 'trigger.segment',
  version: 1,
  label: 'When a customer enters a segment',
  category: 'trigger',
  description:
    'Starts the journey for each customer who enters the saved segment. Membership is re-evaluated by the scheduled segment refresh; ' +
    'customers counted as members before the journey went live enter only if they leave and come back.',
  fields: [{ key: 'segment', label: 'Saved segment', kind: 'text', suggest: 'segments', required: true, placeholder: 'vip-shoe-lovers', help: 'The name of a saved segment.' }],
  ports: ['next'],
  trigger: (c) => ({ event: SEGMENT_ENTERED, where: [{ path: 'segment', op: 'eq', value: c.segment.trim() }] }),
  run: (ctx) => ({ next: 'next', trace: { segment: ctx.config.segment.trim(), ...(ctx.event ? { eventId: ctx.event.id } : {}) } }),
});
