import { defineNode } from '../../engine/plugin/define-node.ts';
import { parseDuration } from '../../engine/core/duration.ts';
import type { Filter } from '../../engine/core/filter.ts';

interface Config {
  event: string;
  where: Filter[];
  timeout: string;
}

/** Waits for the customer to do something (e.g. purchase), up to a time limit. */
export default defineNode<Config>({
  type: 'wait.event',
  version: 1,
  label: 'Wait for an event',
  category: 'timing',
  description: 'Waits until the customer does something (leaves through "event") or the time limit passes (leaves through "timeout").',
  fields: [
    { key: 'event', label: 'Event type', kind: 'text', required: true, placeholder: 'purchase' },
    { key: 'where', label: 'Only when', kind: 'filters', default: [] },
    { key: 'timeout', label: 'Give up after', kind: 'duration', required: true, default: '3d' },
  ],
  ports: ['event', 'timeout'],
  waits: true,
  // Leaving early needs a new event from the customer; on the timer the wait lasts its timeout.
  minWaitMs: (c) => parseDuration(c.timeout, 'timeout'),
  holds: (config) => ({ maxMs: parseDuration(config.timeout, 'timeout'), event: { type: config.event, where: config.where, port: 'event' } }),
  run: (ctx) => ({
    wait: {
      // Counted from when the run reached this node in event time (e.g. the cart's occurredAt), so a
      // late-arriving trigger keeps its real deadline and the timeout is decided on event time.
      until: new Date(ctx.run.nodeEnteredAt.getTime() + parseDuration(ctx.config.timeout, 'timeout')),
      event: { type: ctx.config.event, where: ctx.config.where, port: 'event' },
      timeoutPort: 'timeout',
    },
    trace: { event: ctx.config.event, timeout: ctx.config.timeout },
  }),
});
