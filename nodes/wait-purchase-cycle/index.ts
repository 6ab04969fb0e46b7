import { defineNode } from '../../engine/plugin/define-node.ts';
import { parseDuration } from '../../engine/core/duration.ts';
import type { Filter } from '../../engine/core/filter.ts';

interface Config {
  offset: string;
  direction: 'before' | 'after';
  minWait: string;
  maxWait: string;
  fallback: string;
  purchaseEvent: string;
  where: Filter[];
}

/**
 * Waits until the customer's predicted next purchase, shifted by an offset.
 * The prediction is read again whenever the wait wakes (at the planned time,
 * or early when the models job moves predictions), so the wake time follows it.
 */
export default defineNode<Config>({
  type: 'wait.purchaseCycle',
  version: 1,
  label: 'Wait for the purchase cycle',
  category: 'timing',
  description:
    'Waits until the customer is due to buy again (their predicted next purchase, plus or minus an offset) and leaves through "due"; a purchase before then leaves through "purchased". ' +
    'The wait follows the prediction when new orders or a model refresh move it. Customers with little history use the population cycle; without any prediction the fallback applies.',
  fields: [
    { key: 'offset', label: 'Offset', kind: 'duration', default: '0d', help: 'How far from the predicted date, e.g. 3d.' },
    {
      key: 'direction',
      label: 'Offset direction',
      kind: 'select',
      default: 'before',
      options: [
        { value: 'before', label: 'before they are due' },
        { value: 'after', label: 'after they are due' },
      ],
    },
    { key: 'minWait', label: 'Wait at least', kind: 'duration', default: '1h', help: 'Counted from when the customer reached this step.' },
    { key: 'maxWait', label: 'Wait at most', kind: 'duration', default: '180d', help: 'Counted from when the customer reached this step.' },
    { key: 'fallback', label: 'Without any prediction, wait', kind: 'duration', default: '30d' },
    { key: 'purchaseEvent', label: 'Purchase event', kind: 'text', required: true, default: 'purchase' },
    { key: 'where', label: 'Only purchases where', kind: 'filters', default: [] },
  ],
  ports: ['due', 'purchased'],
  waits: true,
  minWaitMs: (c) => parseDuration(c.minWait, 'minWait'),
  validate: (c) => {
    try {
      return parseDuration(c.minWait, 'minWait') > parseDuration(c.maxWait, 'maxWait') ? [{ field: 'minWait', message: `Wait at least (${c.minWait}) must not be longer than Wait at most (${c.maxWait})` }] : [];
    } catch {
      return []; // the field checks already report malformed durations
    }
  },
  run: async (ctx) => {
    const c = ctx.config;
    const entered = ctx.run.nodeEnteredAt.getTime();
    const prediction = await ctx.services.nextPurchase();
    const offset = parseDuration(c.offset, 'offset') * (c.direction === 'before' ? -1 : 1);
    const planned = prediction ? prediction.at.getTime() + offset : entered + parseDuration(c.fallback, 'fallback');
    const due = Math.min(Math.max(planned, entered + parseDuration(c.minWait, 'minWait')), entered + parseDuration(c.maxWait, 'maxWait'));
    const trace = {
      due: new Date(due).toISOString(),
      predicted: prediction ? prediction.at.toISOString() : null,
      source: prediction ? prediction.source : 'fallback',
      cycleDays: prediction?.cycleDays ?? null,
      ...(ctx.wake ? { replanned: true } : {}),
    };
    if (due <= ctx.now.getTime()) return { next: 'due', trace };
    return { wait: { until: new Date(due), event: { type: c.purchaseEvent, where: c.where, port: 'purchased' } }, trace };
  },
});
