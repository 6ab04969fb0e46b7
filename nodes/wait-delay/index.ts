import { defineNode } from '../../engine/plugin/define-node.ts';
import { parseDuration } from '../../engine/core/duration.ts';

interface Config {
  duration: string;
}

/** Holds the customer for a fixed time, e.g. three days after a first purchase. */
export default defineNode<Config>({
  type: 'wait.delay',
  version: 1,
  label: 'Wait',
  category: 'timing',
  description: 'Waits for a fixed time before going on.',
  fields: [{ key: 'duration', label: 'Wait for', kind: 'duration', required: true, default: '1d', help: 'e.g. 30m, 4h, 3d, 2w' }],
  ports: ['next'],
  waits: true,
  minWaitMs: (c) => parseDuration(c.duration, 'duration'),
  run: (ctx) => ({
    wait: { until: new Date(ctx.now.getTime() + parseDuration(ctx.config.duration, 'duration')), timeoutPort: 'next' },
    trace: { duration: ctx.config.duration },
  }),
});
